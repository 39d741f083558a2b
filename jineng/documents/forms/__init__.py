"""The official forms, one module each, every one with ``build_pdf(data) -> bytes`` and
``build_xlsx(data) -> bytes`` over a dataclass of ``jineng.documents.data``:

- ``filing`` 附表1 备案表, ``plan`` 附表2 培训计划, ``outline`` 附表3 培训大纲, ``roster`` 附表4 人员名册,
  ``evaluation`` 附表5-1 评估表 (韶人社函〔2020〕11号);
- ``class_opening`` 附件1 申请表, ``class_roster`` 附件2 参训人员花名册 (攀人社发〔2020〕33号);
- ``claim_panzhihua`` 附件3 补贴申请表 and 附件4 补贴申报花名册, ``claim_shaoguan`` the Shaoguan
  claim application and roster (either dataclass goes to the same ``build_*``).
"""
