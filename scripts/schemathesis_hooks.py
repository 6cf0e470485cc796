"""Schemathesis hooks for scripts/schemathesis.sh: what the OpenAPI document cannot say about uploads."""

import schemathesis

UPLOAD_PATH = "/v1/tasks/{task_id}/photo"

# Refusals of a schema-valid upload that depend on the task or the photo, not on the request's
# shape: no schema can say which classes a task offers or whether a photo passes validation.
STATE_OR_CONTENT_REFUSALS = {
    400: {"class_not_offered"},
    410: {"task_expired"},
    # A form part declared image/jpeg is still arbitrary bytes to Schemathesis; the server looks at them.
    415: {"not_jpeg", "png_not_accepted", "heic_not_accepted"},
    422: {"idempotency_key_reused", "cannot_store"},  # or an upload result with verdict "rejected"
}


@schemathesis.check
def upload_refusals_depend_on_task_or_photo(ctx, response, case):
    """A schema-valid upload may be refused only for the task's state or the photo's content.

    The run's configuration adds 400, 410, 415 and 422 to `positive_data_acceptance` for the upload
    operations; this check keeps those statuses to the codes that cannot be told from the schema.
    """
    meta = case.meta
    if case.operation.path != UPLOAD_PATH or meta is None or not meta.generation.mode.is_positive:
        return None
    allowed = STATE_OR_CONTENT_REFUSALS.get(response.status_code)
    if allowed is None:
        return None
    try:
        body = response.json()
    except Exception:
        body = None
    if response.status_code == 422 and isinstance(body, dict) and body.get("verdict") == "rejected":
        return None
    code = body.get("error", {}).get("code") if isinstance(body, dict) else None
    if code not in allowed:
        raise AssertionError(
            f"A schema-valid upload was refused {response.status_code} with code {code!r}; "
            f"only {', '.join(sorted(allowed))} may refuse a request the schema allows."
        )
    return None
