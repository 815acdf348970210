from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.generic import FormView

from .forms import PreferencesForm
from .middleware import user_has_mfa
from .services import user_update_preferences


class ProfileView(LoginRequiredMixin, FormView):
    """The signed-in user's own page: who they are, their language, their security."""

    template_name = "accounts/profile.html"
    form_class = PreferencesForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["emails"] = EmailAddress.objects.filter(user=self.request.user)
        context["has_mfa"] = user_has_mfa(self.request.user)
        return context

    def form_valid(self, form):
        user = user_update_preferences(
            actor=self.request.user,
            user=self.request.user,
            full_name=form.cleaned_data["full_name"],
            preferred_language=form.cleaned_data["preferred_language"],
        )
        with translation.override(user.preferred_language):
            messages.success(self.request, _("Your preferences have been saved."))
            return redirect("accounts:profile")
