import Advocate

/// The OpenAPI 3.1 description of the server's endpoints (referrals and joins), served at
/// `GET /api/openapi.json` with the program's endpoint path in place of `/api/referrals`. ReferralEndpoint's tests keep
/// it true: every status and field the endpoint answers with is described here.
///
/// Kept as a Swift string rather than a bundle resource so a copied `advocate` binary still has it.
enum OpenAPIDocument {
    static let path = "/api/openapi.json"
    static let defaultEndpoint = "/api/referrals"

    /// The document for a program whose endpoint is at `endpointPath`.
    static func json(endpointPath: String) -> String {
        guard endpointPath != defaultEndpoint else { return template }
        let key = JSONOutput.string(endpointPath).serialized()
        return template.replacingOccurrences(of: "\"\(defaultEndpoint)\": {", with: "\(key): {")
    }

    static let template = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "Advocate referral endpoint",
        "version": "1.0.0",
        "description": "Records referrals durably (a 201 or 303 means the referral is on disk) and refreshes the referrer's pages. Posts from another site's pages (an Origin header naming a site other than this server or the program's baseURL) are refused."
      },
      "paths": {
        "/api/referrals": {
          "post": {
            "operationId": "createReferral",
            "summary": "Record a referral",
            "description": "JSON clients get 201 with the referral's id, or RFC 9457 problem details. HTML forms get a 303 to the thank-you page, or the referrer's page again (422) with each problem beside its field. A filled honeypot (website) is answered like a success and recorded nowhere.",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": { "schema": { "$ref": "#/components/schemas/Referral" } },
                "application/x-www-form-urlencoded": { "schema": { "$ref": "#/components/schemas/ReferralForm" } }
              }
            },
            "responses": {
              "201": {
                "description": "Recorded (JSON clients).",
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Created" } } }
              },
              "303": {
                "description": "Recorded (HTML forms): see the thank-you page.",
                "headers": { "Location": { "required": true, "schema": { "type": "string" } } }
              },
              "400": { "$ref": "#/components/responses/Problem" },
              "403": { "$ref": "#/components/responses/ProblemOrText" },
              "409": { "$ref": "#/components/responses/Problem" },
              "413": { "$ref": "#/components/responses/ProblemOrText" },
              "415": { "$ref": "#/components/responses/ProblemOrText" },
              "422": {
                "description": "Invalid fields: problem details for JSON clients, the form page again for HTML forms.",
                "content": {
                  "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } },
                  "text/html": { "schema": { "type": "string" } },
                  "text/plain": { "schema": { "type": "string" } }
                }
              },
              "429": {
                "description": "Too many referrals from this address or for this referrer; try again after Retry-After seconds. A form over the referrer's limit gets the form page again, with what was typed.",
                "headers": { "Retry-After": { "required": true, "schema": { "type": "string", "pattern": "^[0-9]+$" } } },
                "content": {
                  "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } },
                  "text/html": { "schema": { "type": "string" } },
                  "text/plain": { "schema": { "type": "string" } }
                }
              },
              "503": { "$ref": "#/components/responses/NotSaved" }
            }
          }
        },
        "/api/join": {
          "post": {
            "operationId": "join",
            "summary": "Join the program and receive one's links by email",
            "description": "A new email becomes a referrer (a referrer event, on disk before the answer) and is sent its share and stats links; an email already on the roster is sent its links again. The answer is the same either way and holds no link. A filled honeypot (website) is answered like a success.",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": { "schema": { "$ref": "#/components/schemas/Join" } },
                "application/x-www-form-urlencoded": { "schema": { "$ref": "#/components/schemas/JoinForm" } }
              }
            },
            "responses": {
              "202": {
                "description": "The links are on their way (JSON clients).",
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Sent" } } }
              },
              "303": {
                "description": "The links are on their way (HTML forms): see the check-your-inbox page.",
                "headers": { "Location": { "required": true, "schema": { "type": "string" } } }
              },
              "400": { "$ref": "#/components/responses/Problem" },
              "403": { "$ref": "#/components/responses/ProblemOrText" },
              "413": { "$ref": "#/components/responses/ProblemOrText" },
              "415": { "$ref": "#/components/responses/ProblemOrText" },
              "422": {
                "description": "Invalid fields: problem details for JSON clients, the join page again for HTML forms.",
                "content": {
                  "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } },
                  "text/html": { "schema": { "type": "string" } },
                  "text/plain": { "schema": { "type": "string" } }
                }
              },
              "429": {
                "description": "Too many posts from this address or joins for this email; try again after Retry-After seconds. A form over the email's limit gets the join page again, with what was typed.",
                "headers": { "Retry-After": { "required": true, "schema": { "type": "string", "pattern": "^[0-9]+$" } } },
                "content": {
                  "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } },
                  "text/html": { "schema": { "type": "string" } },
                  "text/plain": { "schema": { "type": "string" } }
                }
              },
              "503": { "$ref": "#/components/responses/NotSaved" }
            }
          }
        },
        "/healthz": {
          "get": {
            "operationId": "health",
            "summary": "Whether the journal can be written",
            "responses": {
              "200": { "description": "Ready.", "content": { "text/plain": { "schema": { "type": "string", "const": "ok\n" } } } },
              "503": { "description": "The journal cannot be written.", "content": { "text/plain": { "schema": { "type": "string" } } } }
            }
          }
        },
        "/api/openapi.json": {
          "get": {
            "operationId": "openAPIDocument",
            "summary": "This document",
            "responses": {
              "200": { "description": "The OpenAPI 3.1 document.", "content": { "application/json": { "schema": { "type": "object", "required": ["openapi", "paths"] } } } }
            }
          }
        }
      },
      "components": {
        "schemas": {
          "Referral": {
            "type": "object",
            "properties": {
              "referrer": { "type": "string", "pattern": "^[a-z0-9-]{2,40}$", "description": "The code of a referrer of the program (capitals and surrounding spaces are forgiven: \" ADA\" is ada).", "examples": ["ada"] },
              "name": { "type": "string", "minLength": 1, "maxLength": 200, "description": "The friend's name, without control characters.", "examples": ["Grace Example"] },
              "email": { "type": "string", "format": "email", "maxLength": 254, "description": "The friend's email address.", "examples": ["grace@example.net"] },
              "source": { "type": ["string", "null"], "enum": ["email", "sms", "whatsapp", "x", "linkedin", "link", "qr", "form", "", null], "description": "Where the friend came from (left out, blank or null: link)." },
              "variant": { "type": ["string", "null"], "pattern": "^([a-z0-9-]{1,32}|\\s*)$", "description": "The messaging variant the friend saw (left out, blank or null: none)." },
              "consent": { "type": ["boolean", "null"], "description": "The friend agreed to be contacted; required by programs with requireConsent." },
              "website": { "type": ["string", "null"], "description": "The honeypot: leave it out, blank or null. Any other value, of any type, is answered like a success and recorded nowhere." }
            },
            "required": ["referrer", "name", "email"]
          },
          "ReferralForm": {
            "type": "object",
            "properties": {
              "referrer": { "type": "string" },
              "name": { "type": "string" },
              "email": { "type": "string" },
              "source": { "type": "string" },
              "variant": { "type": "string" },
              "consent": { "type": "string", "description": "Present (on, true, 1) when agreed." },
              "website": { "type": "string" }
            },
            "required": ["referrer", "name", "email"]
          },
          "Join": {
            "type": "object",
            "properties": {
              "name": { "type": "string", "minLength": 1, "maxLength": 200, "description": "The new referrer's name, without control characters.", "examples": ["Linus Example"] },
              "email": { "type": "string", "format": "email", "maxLength": 254, "description": "Where the links are sent.", "examples": ["linus@example.net"] },
              "consent": { "type": ["boolean", "null"], "description": "Agreed to be emailed; required by programs with requireConsent." },
              "website": { "type": ["string", "null"], "description": "The honeypot: leave it out, blank or null. Any other value, of any type, is answered like a success and recorded nowhere." }
            },
            "required": ["name", "email"]
          },
          "JoinForm": {
            "type": "object",
            "properties": {
              "name": { "type": "string" },
              "email": { "type": "string" },
              "consent": { "type": "string", "description": "Present (on, true, 1) when agreed." },
              "website": { "type": "string" }
            },
            "required": ["name", "email"]
          },
          "Sent": {
            "type": "object",
            "properties": { "status": { "type": "string", "const": "sent" }, "message": { "type": "string" } },
            "required": ["status", "message"],
            "additionalProperties": false
          },
          "Created": {
            "type": "object",
            "properties": { "id": { "type": "string", "minLength": 1 } },
            "required": ["id"],
            "additionalProperties": false
          },
          "Problem": {
            "type": "object",
            "description": "RFC 9457 problem details.",
            "properties": {
              "type": { "type": "string" },
              "title": { "type": "string" },
              "status": { "type": "integer", "minimum": 400, "maximum": 599 },
              "detail": { "type": "string" },
              "errors": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "field": { "type": "string", "enum": ["referrer", "name", "email", "source", "variant", "consent", "website", "body"] },
                    "message": { "type": "string" }
                  },
                  "required": ["field", "message"],
                  "additionalProperties": false
                }
              }
            },
            "required": ["type", "title", "status"],
            "additionalProperties": false
          }
        },
        "responses": {
          "Problem": {
            "description": "Problem details.",
            "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } }
          },
          "ProblemOrText": {
            "description": "Problem details for JSON clients, plain text for HTML forms (a body of another type: plain text when the client accepts text/html).",
            "content": {
              "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } },
              "text/plain": { "schema": { "type": "string" } }
            }
          },
          "NotSaved": {
            "description": "Nothing was recorded: the journal cannot be written (a full disk, say). Problem details for JSON clients; a form gets its page again with the message and what was typed (plain text when the theme cannot render it).",
            "content": {
              "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } },
              "text/html": { "schema": { "type": "string" } },
              "text/plain": { "schema": { "type": "string" } }
            }
          }
        }
      }
    }
    """#
}
