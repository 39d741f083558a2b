from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jineng.common.errors import DomainError
from jineng.policy import selectors
from jineng.policy.forms import CalculatorForm


@login_required
def calculator(request: HttpRequest) -> HttpResponse:
    """补贴测算: enter a person and a training, see the amount and every step with its clause."""
    form = CalculatorForm(request.POST or None)
    judgement = steps = None
    if request.method == "POST" and form.is_valid():
        try:
            judgement = selectors.policy_calculate(case_data=selectors.case_data_from_form(form.cleaned_data))
        except DomainError as exc:
            field = exc.field.rsplit(".", 1)[-1] if exc.field else None
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            steps = selectors.judgement_steps(judgement)
    return render(request, "policy/calculator.html", {"form": form, "judgement": judgement, "steps": steps})
