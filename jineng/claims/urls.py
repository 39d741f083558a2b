from django.urls import path

from jineng.claims import views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("new/<int:project_id>/", views.claim_new, name="new"),
    path("review/", views.review_queue, name="queue"),
    path("batches/", views.batches, name="batches"),
    path("batches/<int:batch_id>/", views.batch_detail, name="batch"),
    path("batches/<int:batch_id>/plan.xlsx", views.batch_export, name="batch_export"),
    path("batches/<int:batch_id>/pay/", views.batch_pay, name="batch_pay"),
    path("batches/<int:batch_id>/cancel/", views.batch_cancel, name="batch_cancel"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:claim_id>/", views.notice_detail, name="notice"),
    path("self/<int:roster_entry_id>/", views.self_claim, name="self_claim"),
    path("vouchers/<int:voucher_id>/", views.voucher_view, name="voucher"),
    path("<int:claim_id>/", views.claim_detail, name="detail"),
    path("<int:claim_id>/update/", views.claim_update, name="update"),
    path("<int:claim_id>/refresh/", views.claim_refresh, name="refresh"),
    path("<int:claim_id>/vouchers/", views.voucher_add, name="voucher_add"),
    path("<int:claim_id>/submit/", views.claim_submit, name="submit"),
    path("<int:claim_id>/withdraw/", views.claim_withdraw, name="withdraw"),
    path("<int:claim_id>/start-review/", views.claim_review_start, name="start_review"),
    path("<int:claim_id>/decide/", views.claim_decide, name="decide"),
    path("<int:claim_id>/lines/<int:line_id>/exclude/", views.line_exclude, name="line_exclude"),
    path("<int:claim_id>/objections/<int:objection_id>/resolve/", views.objection_resolve, name="objection_resolve"),
    path("<int:claim_id>/resume-notice/", views.claim_resume_notice, name="resume_notice"),
    path("<int:claim_id>/close-notice/", views.claim_close_notice, name="close_notice"),
    path("<int:claim_id>/pay/", views.claim_pay, name="pay"),
    path("<int:claim_id>/advance/", views.claim_advance, name="advance"),
    path("<int:claim_id>/recover/", views.claim_recover, name="recover"),
    path("<int:claim_id>/archive.zip", views.claim_archive, name="archive"),
    path("<int:claim_id>/forms/<slug:form>.<slug:fmt>", views.claim_form_download, name="form"),
    path("<int:claim_id>/finalize/", views.claim_finalize, name="finalize"),
]
