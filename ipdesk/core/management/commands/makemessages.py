"""`makemessages` that also extracts the project's short aliases of the translation functions.

xgettext only knows the keywords Django passes it (`gettext_noop`, `gettext_lazy`, … and its own
defaults `_`, `gettext`, `ngettext`); a label marked `N_("立案")` (gettext_noop imported as N_) or
`_lazy("…")` / `_l("…")` was never written to the catalogue, so the English UI showed it in Chinese
(issue 19, item 5). The extra keywords are those aliases, as imported in the apps.
"""
from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = makemessages.Command.xgettext_options + ["--keyword=N_", "--keyword=_lazy", "--keyword=_l"]
