"""An app's error codes (Saleor's error_codes.py pattern): an enum of codes — the contract tests and API
clients read — with the message beside each, and the coded exceptions of core.workflow built from them.
Each app's error_codes.py declares its enum and MESSAGES and takes its `message`, `error` and `denied`
from one ErrorCatalogue."""


class ErrorCatalogue:
    def __init__(self, codes, messages):
        self.codes, self.messages = codes, messages

    def message(self, code, **params):
        """The message of `code`, formatted with `params` when it has placeholders."""
        text = str(self.messages[self.codes(code)])
        return text % params if "%(" in text else text

    def error(self, code, field=None, text=None, **params):
        """A coded ValidationError (HTTP 400); `text` when a pure rule worded the message itself."""
        from .workflow import WorkflowError
        return WorkflowError(self.codes(code), text if text is not None else self.message(code, **params),
                             field=field)

    def denied(self, code, **params):
        """A coded PermissionDenied (HTTP 403)."""
        from .workflow import WorkflowDenied
        return WorkflowDenied(self.codes(code), self.message(code, **params))
