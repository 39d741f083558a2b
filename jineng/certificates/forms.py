"""The staff register's filters."""

from __future__ import annotations

from django import forms

from jineng.certificates.models import CertificateStatus


class RegisterFilterForm(forms.Form):
    q = forms.CharField(label="证书编号、姓名或课程", required=False, max_length=60)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *CertificateStatus.choices])
    issued_from = forms.DateField(label="发证日期从", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    issued_to = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("issued_from") and data.get("issued_to") and data["issued_to"] < data["issued_from"]:
            self.add_error("issued_to", "结束日期不能早于开始日期")
        return data

    def filters(self) -> dict:
        """The valid filters as ``selectors.certificate_register`` takes them (none when the form is invalid)."""
        if not self.is_bound or not self.is_valid():
            return {}
        d = self.cleaned_data
        return {"q": d["q"], "status": d["status"], "issued_from": d["issued_from"], "issued_to": d["issued_to"]}
