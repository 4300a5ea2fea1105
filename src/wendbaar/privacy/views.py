from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wendbaar.accounts.decorators import admin_required
from wendbaar.common.errors import BusinessRuleError
from wendbaar.copilot.choices import Capability
from wendbaar.privacy import selectors, services
from wendbaar.privacy.choices import AiProvider
from wendbaar.privacy.forms import AiPolicyForm, CheckTextForm


def _policy_form(decision, data=None) -> AiPolicyForm:
    return AiPolicyForm(
        data,
        auto_id=f"id_{decision.capability}_%s",
        initial={
            "capability": decision.capability,
            "allow_external": decision.allows_external,
            "mask_personal_data": decision.mask_personal_data,
            "mask_types": list(decision.mask_types),
        },
    )


@admin_required
def policy_list(request):
    """The AI-use policy per capability, and a tool that shows what would be masked in a text."""
    decisions = selectors.ai_policy_list()
    forms = {d.capability: _policy_form(d) for d in decisions}
    check_form = CheckTextForm()
    check_result = None
    if request.method == "POST" and request.POST.get("action") == "check":
        check_form = CheckTextForm(request.POST)
        if check_form.is_valid():
            check_result = selectors.masking_preview(text=check_form.cleaned_data["text"])
    elif request.method == "POST":
        capability = request.POST.get("capability", "")
        if capability not in Capability.values:
            messages.error(request, _("Unknown capability."))
            return redirect("privacy:policy_list")
        decision = next(d for d in decisions if d.capability == capability)
        form = _policy_form(decision, request.POST)
        forms[capability] = form
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.ai_policy_update(
                    actor=request.user,
                    capability=capability,
                    allowed_providers=[AiProvider.EMBEDDED]
                    + ([AiProvider.OPENAI] if data["allow_external"] else []),
                    mask_personal_data=data["mask_personal_data"],
                    mask_types=data["mask_types"],
                )
            except BusinessRuleError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("The AI-use policy for %(capability)s has been saved.")
                    % {"capability": decision.capability_label},
                )
                return redirect("privacy:policy_list")
    rows = [
        {"decision": d, "form": forms[d.capability], "masked": selectors.masked_type_labels(d)}
        for d in decisions
    ]
    context = {"rows": rows, "check_form": check_form, "check_result": check_result}
    return render(request, "privacy/policy_list.html", context)
