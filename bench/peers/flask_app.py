"""Flask peer for the brisk benchmark, served by gunicorn (one sync worker).

Flask handlers are synchronous: /sleep blocks the (only) worker for the whole sleep. That is
how a default gunicorn + Flask deployment behaves, and the benchmark reports it as such.
"""
import time

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.get("/plaintext")
def plaintext():
    return "Hello, World!", 200, {"Content-Type": "text/plain; charset=utf-8"}


@app.get("/json")
def json_message():
    return jsonify(message="Hello, World!")


@app.get("/items/<int(signed=True):item_id>")
def read_item(item_id):
    return jsonify(item_id=item_id, q=request.args.get("q"))


@app.get("/sleep")
def sleep():
    ms = request.args.get("ms", 100, type=int)
    time.sleep(ms / 1000)
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@app.get("/health")
def health():
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}
