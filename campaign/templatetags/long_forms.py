"""Template tags of the long forms (campaign/kept_forms.py explains what is kept and why).

In the form's template::

    {% load long_forms %}
    <form method="post" {% draft_attrs %}>
      {% csrf_token %}
      {% kept_form form %}          {# or the formset #}

``draft_attrs`` names the form for static/js/drafts.js (the browser's own drafts);
``kept_form`` signs who the form is for, and puts back the text kept when this account's
earlier post could not be saved (its session had ended), with a message that says so.
"""

from django import forms, template
from django.template import loader
from django.utils.html import format_html
from django.utils.safestring import SafeString

from campaign import kept_forms

register = template.Library()


@register.simple_tag(takes_context=True)
def draft_attrs(context) -> SafeString:
    request = context.get("request")
    address = kept_forms.form_address(getattr(request, "resolver_match", None))
    user = getattr(request, "user", None)
    if address is None or not (user and user.is_authenticated):
        return SafeString("")
    return format_html('data-draft-key="{}"', kept_forms.draft_key(user, address))


@register.simple_tag(takes_context=True)
def kept_form(context, form: forms.BaseForm | forms.BaseFormSet) -> SafeString:
    request = context.get("request")
    address = kept_forms.form_address(getattr(request, "resolver_match", None))
    user = getattr(request, "user", None)
    if address is None or not (user and user.is_authenticated):
        return SafeString("")
    owner = format_html(
        '<input type="hidden" name="{}" value="{}">', kept_forms.OWNER_FIELD, kept_forms.owner_token(user, address)
    )
    if request.method != "GET":
        return owner
    kept = kept_forms.take_kept(request)
    if kept is None or not kept_forms.restore_into(form, kept):
        return owner
    return owner + loader.render_to_string("includes/kept_form_notice.html", {"kept": kept})
