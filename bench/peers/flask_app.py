"""Flask peer for the brisk benchmark, served by gunicorn (one sync worker).

Flask handlers are synchronous: /sleep blocks the (only) worker for the whole sleep. That is
how a default gunicorn + Flask deployment behaves, and the benchmark reports it as such.
"""
import math
import time

from flask import Flask, jsonify, request

app = Flask(__name__)


def item_errors(d):
    """Hand validation of brisk's Item model (name: str, at most 100 characters; price:
    float >= 0; has_tax: bool, optional; tags: list of str, optional), as a Flask app does
    it without a validation library. Returns (item in declared key order, errors)."""
    if not isinstance(d, dict):
        return None, [{"loc": ["body"], "msg": "value is not a valid dict", "type": "type_error.dict"}]
    errors = []

    def err(field, msg, kind):
        errors.append({"loc": ["body", field], "msg": msg, "type": kind})

    name = d.get("name")
    if name is None and "name" not in d:
        err("name", "field required", "value_error.missing")
    elif not isinstance(name, str):
        err("name", "str type expected", "type_error.str")
    elif len(name) > 100:
        err("name", "ensure this value has at most 100 characters",
            "value_error.any_str.max_length")
    price = d.get("price")
    if price is None and "price" not in d:
        err("price", "field required", "value_error.missing")
    elif isinstance(price, bool) or not isinstance(price, (int, float)) or \
            not math.isfinite(price):
        err("price", "value is not a valid float", "type_error.float")
    elif price < 0:
        err("price", "ensure this value is greater than or equal to 0",
            "value_error.number.not_ge")
    has_tax = d.get("has_tax", False)
    if not isinstance(has_tax, bool):
        err("has_tax", "value could not be parsed to a boolean", "type_error.bool")
    tags = d.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        err("tags", "value is not a valid list of strings", "type_error.list")
    if errors:
        return None, errors
    return {"name": name, "price": float(price), "has_tax": has_tax, "tags": tags}, None


def json_response(obj, status):
    # Compact, keys in the model's order, UTF-8 as is: the bytes FastAPI and brisk send
    # (jsonify would sort the keys and add a newline).
    body = app.json.dumps(obj, separators=(",", ":"), sort_keys=False, ensure_ascii=False)
    return app.response_class(body, status=status, mimetype="application/json")


@app.get("/plaintext")
def plaintext():
    return "Hello, World!", 200, {"Content-Type": "text/plain; charset=utf-8"}


@app.get("/json")
def json_message():
    return jsonify(message="Hello, World!")


@app.get("/items/<int(signed=True):item_id>")
def read_item(item_id):
    return jsonify(item_id=item_id, q=request.args.get("q"))


@app.post("/items")
def create_item():
    item, errors = item_errors(request.get_json(silent=True))
    if errors:
        return json_response({"detail": errors}, 422)
    return json_response(item, 200)


@app.get("/me")
def read_me():
    # "Authorization: Bearer <token>" read by hand, as Flask does without a security
    # extension: split at the first space, the scheme in any case, a non-empty token.
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        resp = json_response({"detail": "Not authenticated"}, 401)
        resp.headers["WWW-Authenticate"] = "Bearer"
        return resp
    return json_response({"user": token}, 200)


@app.get("/sleep")
def sleep():
    ms = request.args.get("ms", 100, type=int)
    time.sleep(ms / 1000)
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@app.get("/health")
def health():
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}
