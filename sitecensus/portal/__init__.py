"""The portal: the home page, the navigation and the demo. It sits on top of
every app (it reads their policies and selectors); nothing imports it."""
