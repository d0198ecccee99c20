"""The evidence app keeps scoring's files: it registers its answers with scoring when Django
starts (scoring, below, never imports this app)."""

from sitecensus.scoring import attachments

from . import selectors, services

attachments.register(of_card=selectors.of_card, of_rectification=selectors.of_rectification,
                     attach_to_card=services.attach_to_card, files_for_answer=services.files_for_answer)
