/// The worker API as OpenAPI 3, served at `/openapi.yaml`; kept beside the routes it describes.
///
/// It is the contract: `scripts/schemathesis.sh` runs Schemathesis against a live server with
/// it and fails on any difference, so every status a route can answer is listed under that route.
/// Undeclared methods on these paths answer 405 with `Allow` (`MethodNotAllowedMiddleware`).
enum OpenAPIDocument {
    static let yaml = """
        openapi: 3.0.3
        info:
          title: Vantage worker API
          version: "1"
          description: >-
            Crowd workers fetch capture tasks and upload one photo per task. Every error is JSON
            `{"error": {"code", "message"}}` with a stable snake_case code; a method a path does not
            list answers 405 with an `Allow` header and the code `method_not_allowed`.
        servers:
          - url: /
        components:
          securitySchemes:
            bearer:
              type: http
              scheme: bearer
          headers:
            RetryAfter:
              description: Seconds to wait before retrying.
              required: true
              schema: {type: integer, minimum: 0}
          schemas:
            Error:
              type: object
              required: [error]
              properties:
                error:
                  type: object
                  required: [code, message]
                  properties:
                    code: {type: string, pattern: '^[a-z0-9_]+$'}
                    message: {type: string}
            UploadError:
              description: An upload's error; `task_id` is present whenever the request named a valid task id.
              allOf:
                - {$ref: '#/components/schemas/Error'}
                - properties:
                    task_id: {type: integer, format: int64}
            Reason:
              type: object
              required: [code, severity, message]
              properties:
                code: {type: string}
                severity: {type: string, enum: [reject, flag]}
                message: {type: string}
            UploadResult:
              type: object
              required: [photo_id, task_id, verdict, reasons]
              properties:
                photo_id: {type: string, format: uuid}
                task_id: {type: integer, format: int64, description: The task the photo was uploaded for.}
                verdict: {type: string, enum: [accepted, flagged, rejected]}
                reasons: {type: array, items: {$ref: '#/components/schemas/Reason'}}
            Photo:
              type: object
              required: [photo_id, task_id, verdict, review_status, reasons, received_at]
              properties:
                photo_id: {type: string, format: uuid}
                task_id: {type: integer, format: int64}
                verdict: {type: string, enum: [accepted, flagged, rejected]}
                review_status: {type: string, enum: [not_needed, pending, approved, rejected]}
                reasons: {type: array, items: {$ref: '#/components/schemas/Reason'}}
                received_at: {type: string, format: date-time}
            Task:
              type: object
              required: [id, offered_classes, rotation, viewpoint, room, expires_at, attempts_left]
              properties:
                id: {type: integer, format: int64, minimum: 1}
                offered_classes: {type: array, items: {type: string}}
                rotation:
                  type: object
                  required: [id, quaternion, description]
                  properties:
                    id: {type: integer}
                    quaternion: {type: array, items: {type: number}, minItems: 4, maxItems: 4}
                    description: {type: string}
                viewpoint: {type: string}
                room: {type: string}
                expires_at: {type: string, format: date-time}
                attempts_left: {type: integer, minimum: 0}
            Status:
              type: object
              required: [status]
              properties:
                status: {type: string}
          responses:
            Unauthorized:
              description: "`unauthorized`: no bearer token, or one no worker has."
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Error'}
            Forbidden:
              description: "`worker_revoked` or `worker_on_hold`."
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Error'}
            ServiceUnavailable:
              description: >-
                `database_unavailable` (the database did not answer in time), or `too_many_connections`
                (the server is at its connection cap; answered before the request is read, on any path).
              headers:
                Retry-After: {$ref: '#/components/headers/RetryAfter'}
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Error'}
            InternalError:
              description: "`internal_error`: an unexpected failure, logged; the body says nothing internal."
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Error'}
        paths:
          /openapi.yaml:
            get:
              operationId: getOpenAPI
              summary: This document.
              responses:
                '200':
                  description: OpenAPI 3 in YAML.
                  content:
                    application/yaml: {}
                '500': {$ref: '#/components/responses/InternalError'}
                '503': {$ref: '#/components/responses/ServiceUnavailable'}
          /healthz:
            get:
              operationId: getHealth
              summary: Liveness.
              responses:
                '200':
                  description: 'The process is up: `{"status": "ok"}`.'
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Status'}
                '500': {$ref: '#/components/responses/InternalError'}
                '503': {$ref: '#/components/responses/ServiceUnavailable'}
          /readyz:
            get:
              operationId: getReadiness
              summary: Readiness (the database answers within 2 s).
              responses:
                '200':
                  description: 'Ready: `{"status": "ready"}`.'
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Status'}
                '500': {$ref: '#/components/responses/InternalError'}
                '503': {$ref: '#/components/responses/ServiceUnavailable'}
          /metrics:
            get:
              operationId: getMetrics
              summary: Prometheus metrics.
              responses:
                '200':
                  description: Prometheus text exposition format 0.0.4.
                  content:
                    text/plain:
                      schema: {type: string}
                '500': {$ref: '#/components/responses/InternalError'}
                '503': {$ref: '#/components/responses/ServiceUnavailable'}
          /v1/tasks:
            get:
              operationId: listTasks
              summary: The caller's open tasks.
              security: [{bearer: []}]
              responses:
                '200':
                  description: Open, unexpired tasks.
                  links:
                    putPhoto:
                      operationId: putPhoto
                      description: Upload the first task's photo, naming its first offered class.
                      parameters:
                        task_id: '$response.body#/tasks/0/id'
                        header.X-Object-Class: '$response.body#/tasks/0/offered_classes/0'
                    postPhoto:
                      operationId: postPhoto
                      description: Upload the first task's photo from a form.
                      parameters:
                        task_id: '$response.body#/tasks/0/id'
                      requestBody:
                        class: '$response.body#/tasks/0/offered_classes/0'
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [tasks]
                        properties:
                          tasks: {type: array, items: {$ref: '#/components/schemas/Task'}}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/Forbidden'}
                '500': {$ref: '#/components/responses/InternalError'}
                '503': {$ref: '#/components/responses/ServiceUnavailable'}
          /v1/tasks/{task_id}/photo:
            parameters:
              - name: task_id
                in: path
                required: true
                schema: {type: integer, format: int64, minimum: 1, maximum: 9223372036854775807}
            put:
              operationId: putPhoto
              summary: Upload the task's photo as a raw JPEG body.
              security: [{bearer: []}]
              parameters:
                - name: X-Object-Class
                  in: header
                  required: true
                  description: >-
                    An offered class of the task, by name (any case) or id; header values are ASCII, so a
                    name outside it is sent by id.
                  schema: {type: string, minLength: 1, maxLength: 200, pattern: '^[!-~]+( [!-~]+)*$'}
                - name: X-Device-Pitch
                  in: header
                  description: Camera pitch in degrees; -90 looks straight down, 0 at the horizon.
                  schema: {type: number, minimum: -180, maximum: 180}
                - name: X-Device-Roll
                  in: header
                  description: Camera roll in degrees.
                  schema: {type: number, minimum: -180, maximum: 180}
                - &idempotencyKey
                  name: Idempotency-Key
                  in: header
                  description: >-
                    Makes retries safe: a repeat with the same key, task and bytes gets the first answer and
                    stores nothing; the same key for another task or other bytes is refused (422).
                  schema: {type: string, minLength: 1, maxLength: 200, pattern: '^[!-~]+$'}
              requestBody:
                required: true
                description: >-
                  The JPEG, at most the server's upload limit (25 MB unless configured); a body without a
                  Content-Type is read as one too. The format is checked by content: HEIC and PNG are
                  refused with 415.
                content:
                  image/jpeg:
                    schema: {type: string, format: binary}
              responses: &uploadResponses
                '201':
                  description: >-
                    Accepted or flagged (pending review); the task is done. A retry of an earlier upload
                    (same Idempotency-Key, or same bytes for the same task) gets this first answer again.
                  links: &photoLink
                    getPhoto:
                      operationId: getPhoto
                      parameters:
                        photo_id: '$response.body#/photo_id'
                  content:
                    application/json:
                      schema:
                        allOf:
                          - {$ref: '#/components/schemas/UploadResult'}
                          - {properties: {verdict: {enum: [accepted, flagged]}}}
                '400':
                  description: >-
                    `bad_task_id`, `missing_header`, `bad_header` (a header over 200 bytes), `bad_angle`,
                    `bad_idempotency_key`, `class_not_offered`; for the form also `bad_multipart`,
                    `missing_photo`, `missing_class`.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/UploadError'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403':
                  description: "`not_your_task` (another worker's task), `worker_revoked`, `worker_on_hold`."
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/UploadError'}
                '404':
                  description: "`task_not_found`."
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/UploadError'}
                '409':
                  description: "`task_done` (already completed) or `attempts_exhausted`."
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/UploadError'}
                '410':
                  description: "`task_expired`."
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/UploadError'}
                '413':
                  description: "`body_too_large`: over the upload limit; reading stops there."
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/UploadError'}
                '415':
                  description: >-
                    `heic_not_accepted` (a HEIC body, or Content-Type image/heic or image/heif),
                    `png_not_accepted`, `not_jpeg` (checked by content), or `unsupported_media_type`
                    (a Content-Type other than image/jpeg, or a POST that is not multipart/form-data).
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/UploadError'}
                '422':
                  description: >-
                    The photo was rejected by validation (an upload result with the reasons; kept for
                    audit, the task stays open for a retake, and a retry gets this first answer again);
                    or an error: `idempotency_key_reused` (the key was used for another task or other
                    bytes), `cannot_store` (the photo passed but cannot be made upright losslessly).
                  links: *photoLink
                  content:
                    application/json:
                      schema:
                        oneOf:
                          - allOf:
                              - {$ref: '#/components/schemas/UploadResult'}
                              - {properties: {verdict: {enum: [rejected]}}}
                          - {$ref: '#/components/schemas/UploadError'}
                '429':
                  description: >-
                    `rate_limited` (over the worker's uploads per minute) or `too_many_in_flight`
                    (too many of the worker's uploads at once).
                  headers:
                    Retry-After: {$ref: '#/components/headers/RetryAfter'}
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/UploadError'}
                '500': {$ref: '#/components/responses/InternalError'}
                '503':
                  description: >-
                    `server_busy` (every validation slot is taken), `database_unavailable`, or
                    `too_many_connections`.
                  headers:
                    Retry-After: {$ref: '#/components/headers/RetryAfter'}
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/UploadError'}
            post:
              operationId: postPhoto
              summary: Upload the task's photo from an HTML form.
              security: [{bearer: []}]
              parameters:
                - *idempotencyKey
              requestBody:
                required: true
                content:
                  multipart/form-data:
                    schema:
                      type: object
                      required: [photo, class]
                      additionalProperties: false
                      properties:
                        photo: {type: string, format: binary, minLength: 1, description: The JPEG.}
                        class: {type: string, minLength: 1, pattern: '\\S', description: 'An offered class, by name or id.'}
                        pitch: {type: number, minimum: -180, maximum: 180, description: Camera pitch in degrees.}
                        roll: {type: number, minimum: -180, maximum: 180, description: Camera roll in degrees.}
                    encoding:
                      photo: {contentType: image/jpeg}
              responses: *uploadResponses
          /v1/photos/{photo_id}:
            get:
              operationId: getPhoto
              summary: The caller's photo and its review state.
              security: [{bearer: []}]
              parameters:
                - {name: photo_id, in: path, required: true, schema: {type: string, format: uuid}}
              responses:
                '200':
                  description: The photo's verdict, reasons and review status.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Photo'}
                '400':
                  description: "`bad_photo_id`: not a UUID."
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Error'}
                '401': {$ref: '#/components/responses/Unauthorized'}
                '403': {$ref: '#/components/responses/Forbidden'}
                '404':
                  description: "`photo_not_found`: no photo of the caller's has this id."
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Error'}
                '500': {$ref: '#/components/responses/InternalError'}
                '503': {$ref: '#/components/responses/ServiceUnavailable'}
        """
}
