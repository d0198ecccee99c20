def bind_error(form, error) -> None:
    """Show a service's typed error on the form field it names (or the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
