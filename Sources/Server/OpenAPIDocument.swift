/// The worker API as OpenAPI 3, served at `/openapi.yaml`; kept beside the routes it describes.
enum OpenAPIDocument {
    static let yaml = """
        openapi: 3.0.3
        info:
          title: Vantage worker API
          version: "1"
          description: Crowd workers fetch capture tasks and upload one photo per task.
        servers:
          - url: /
        components:
          securitySchemes:
            bearer:
              type: http
              scheme: bearer
          schemas:
            Error:
              type: object
              required: [error]
              properties:
                error:
                  type: object
                  required: [code, message]
                  properties:
                    code: {type: string}
                    message: {type: string}
            Reason:
              type: object
              required: [code, severity, message]
              properties:
                code: {type: string}
                severity: {type: string, enum: [reject, flag]}
                message: {type: string}
            UploadResult:
              type: object
              required: [photo_id, verdict, reasons]
              properties:
                photo_id: {type: string, format: uuid}
                verdict: {type: string, enum: [accepted, flagged, rejected]}
                reasons: {type: array, items: {$ref: '#/components/schemas/Reason'}}
            Task:
              type: object
              required: [id, offered_classes, rotation, viewpoint, room, expires_at, attempts_left]
              properties:
                id: {type: integer, format: int64}
                offered_classes: {type: array, items: {type: string}}
                rotation:
                  type: object
                  properties:
                    id: {type: integer}
                    quaternion: {type: array, items: {type: number}, minItems: 4, maxItems: 4}
                    description: {type: string}
                viewpoint: {type: string, enum: [top, angled, side]}
                room: {type: string}
                expires_at: {type: string, format: date-time}
                attempts_left: {type: integer}
          responses:
            Error:
              description: An error with a code and one sentence.
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Error'}
        paths:
          /healthz:
            get:
              summary: Liveness.
              responses:
                '200': {description: The process is up.}
          /readyz:
            get:
              summary: Readiness (the database answers).
              responses:
                '200': {description: Ready.}
                '503': {$ref: '#/components/responses/Error'}
          /metrics:
            get:
              summary: Prometheus metrics.
              responses:
                '200': {description: Text exposition format.}
          /v1/tasks:
            get:
              summary: The caller's open tasks.
              security: [{bearer: []}]
              responses:
                '200':
                  description: Open, unexpired tasks.
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          tasks: {type: array, items: {$ref: '#/components/schemas/Task'}}
                '401': {$ref: '#/components/responses/Error'}
                '403': {$ref: '#/components/responses/Error'}
          /v1/tasks/{task_id}/photo:
            parameters:
              - {name: task_id, in: path, required: true, schema: {type: integer, format: int64}}
            put:
              summary: Upload the task's photo as a raw JPEG body.
              security: [{bearer: []}]
              parameters:
                - {name: X-Object-Class, in: header, required: true, schema: {type: string}, description: An offered class, by name or id.}
                - {name: X-Device-Pitch, in: header, schema: {type: number, minimum: -180, maximum: 180}, description: Camera pitch in degrees; -90 looks straight down.}
                - {name: X-Device-Roll, in: header, schema: {type: number, minimum: -180, maximum: 180}}
                - {name: Idempotency-Key, in: header, schema: {type: string, maxLength: 200}}
              requestBody:
                required: true
                content:
                  image/jpeg:
                    schema: {type: string, format: binary}
              responses: &uploadResponses
                '201':
                  description: Accepted or flagged; the task is done.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/UploadResult'}
                '422':
                  description: Rejected (recorded for audit); the task stays open for a retake.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/UploadResult'}
                '400': {$ref: '#/components/responses/Error'}
                '401': {$ref: '#/components/responses/Error'}
                '403': {$ref: '#/components/responses/Error'}
                '404': {$ref: '#/components/responses/Error'}
                '409': {$ref: '#/components/responses/Error'}
                '410': {$ref: '#/components/responses/Error'}
                '413': {$ref: '#/components/responses/Error'}
                '415': {$ref: '#/components/responses/Error'}
                '429': {$ref: '#/components/responses/Error'}
                '503': {$ref: '#/components/responses/Error'}
            post:
              summary: Upload the task's photo from an HTML form.
              security: [{bearer: []}]
              requestBody:
                required: true
                content:
                  multipart/form-data:
                    schema:
                      type: object
                      required: [photo, class]
                      properties:
                        photo: {type: string, format: binary}
                        class: {type: string}
                        pitch: {type: number}
                        roll: {type: number}
              responses: *uploadResponses
          /v1/photos/{photo_id}:
            get:
              summary: The caller's photo and its review state.
              security: [{bearer: []}]
              parameters:
                - {name: photo_id, in: path, required: true, schema: {type: string, format: uuid}}
              responses:
                '200': {description: The photo's verdict, reasons and review status.}
                '401': {$ref: '#/components/responses/Error'}
                '404': {$ref: '#/components/responses/Error'}
        """
}
