"""The 依据 (legal basis) pages: every rule the system applies, grouped by module, with search; a rule's page; and its
edit form for city officers (audited, optimistic lock on `version`, like every record: core.views.ObjectEditView).

Everyone signed in may read (a figure or deadline an enterprise user sees links here); only a city officer edits.
Rules that keep their basis on their own record (core.basis.external, e.g. the adjudication time limits) are listed
from those records and link to them."""
from django import forms
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from . import audit, basis
from .forms import DateInput
from .models import LegalBasis
from .scoping import CHANGE, Role
from .views import ObjectUpdateView, ScopedMixin


class LegalBasisForm(forms.ModelForm):
    class Meta:
        model = LegalBasis
        fields = ["title", "kind", "source", "document", "article", "edition", "excerpt", "verified", "verified_by",
                  "verified_on", "note"]
        widgets = {"verified_on": DateInput(), "excerpt": forms.Textarea(attrs={"rows": 6}),
                   "note": forms.Textarea(attrs={"rows": 3})}


def _matches(row, q):
    return any(q.lower() in str(getattr(row, name, "") or "").lower()
               for name in ("key", "title", "source", "document", "article", "excerpt", "note"))


class BasisListView(ScopedMixin, TemplateView):
    """All rules by module (the key's first part), with a search over key, title, source, article, text and note."""
    model = LegalBasis
    template_name = "core/basis_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        basis.ensure_synced()
        q = self.request.GET.get("q", "").strip()
        only = self.request.GET.get("verified", "")
        rows = LegalBasis.objects.restrict(self.request.user).order_by("module", "key")
        if q:
            rows = rows.filter(Q(key__icontains=q) | Q(title__icontains=q) | Q(source__icontains=q) |
                               Q(document__icontains=q) | Q(article__icontains=q) | Q(excerpt__icontains=q) |
                               Q(note__icontains=q))
        if only in ("yes", "no"):
            rows = rows.filter(verified=only == "yes")
        declared = basis.registry()
        groups = {}
        for row in rows:
            row.retired = row.key not in declared  # a rule the code no longer applies
            groups.setdefault(row.module, []).append(row)
        for ext in basis.externals().values():
            for row in ext.rows():
                if (q and not _matches(row, q)) or (only == "yes" and not row.verified) or \
                        (only == "no" and row.verified):
                    continue
                groups.setdefault(ext.module, []).append(row)
        order = list(basis.MODULES)
        ctx.update(q=q, verified=only, total=sum(len(v) for v in groups.values()),
                   groups=[{"module": m, "label": basis.MODULES.get(m, m), "rows": groups[m]}
                           for m in sorted(groups, key=lambda m: (order.index(m) if m in order else len(order), m))],
                   can_change=self.request.user.has_role(Role.CITY_OFFICER))
        return ctx


class _ByKey:
    slug_field = "key"
    slug_url_kwarg = "key"

    def get_object(self, queryset=None):
        key = self.kwargs["key"]
        ext = basis.external_for(key)
        if ext is not None:
            raise _External(ext, key)
        if key in basis.registry():
            basis.ensure_synced()
        return super().get_object(queryset)


class _External(Exception):
    def __init__(self, ext, key):
        self.ext, self.key = ext, key


class BasisDetailView(_ByKey, ScopedMixin, DetailView):
    model = LegalBasis
    template_name = "core/basis_detail.html"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except _External as found:  # the rule's basis lives on its own record: go there
            for row in found.ext.rows():
                if row.key == found.key:
                    return redirect(row.url)
            raise Http404

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        declared = basis.get(self.object.key)
        ctx.update(history=audit.history(self.object)[:100], declared=declared,
                   can_edit=LegalBasis.objects.restrict(self.request.user, CHANGE).filter(pk=self.object.pk).exists())
        return ctx


class BasisUpdateView(_ByKey, ObjectUpdateView):
    """City officers edit a rule's basis; the row then keeps the office's words (never overwritten by sync).
    Marking it verified without a name or date records the editor and today; unmarking clears them."""
    model = LegalBasis
    form_class = LegalBasisForm
    roles = {Role.CITY_OFFICER}

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except _External:
            raise Http404

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except _External:
            raise Http404

    def form_valid(self, form):
        obj = form.instance
        obj.edited_by_office = True
        if obj.verified:
            if not obj.verified_by:
                obj.verified_by = self.request.user.display_name or self.request.user.username
            if not obj.verified_on:
                obj.verified_on = timezone.localdate()
        else:  # no longer verified: a name and date left behind would read as a check
            obj.verified_by, obj.verified_on = "", None
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["model_name"] = _("依据")
        return ctx
