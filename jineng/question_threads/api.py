from ninja import Router

router = Router(tags=["question_threads"])
