"""FastAPI peer for the brisk benchmark, served by uvicorn (one worker)."""
import asyncio
from typing import List, Optional

from fastapi import Depends, FastAPI
from fastapi.responses import PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

app = FastAPI()
bearer = HTTPBearer()


class Item(BaseModel):
    """brisk's Item model (bench/apps/bench_brisk.c) with the same constraints."""
    name: str = Field(max_length=100)
    price: float = Field(ge=0)
    has_tax: bool = False
    tags: List[str] = []


@app.get("/plaintext", response_class=PlainTextResponse)
async def plaintext():
    return "Hello, World!"


@app.get("/json")
async def json_message():
    return {"message": "Hello, World!"}


@app.get("/items/{item_id}")
async def read_item(item_id: int, q: Optional[str] = None):
    return {"item_id": item_id, "q": q}


@app.post("/items", response_model=Item)
async def create_item(item: Item):
    return item


async def current_user(cred: HTTPAuthorizationCredentials = Depends(bearer)) -> str:
    """The current user: here the bearer token itself. HTTPBearer answers a missing header
    (or another scheme) itself: 401 in FastAPI >= 0.122, 403 in older ones such as Debian's.
    async, as in FastAPI's security tutorial: a plain def would run in the thread pool."""
    return cred.credentials


@app.get("/me")
async def read_me(user: str = Depends(current_user)):
    return {"user": user}


@app.get("/sleep", response_class=PlainTextResponse)
async def sleep(ms: int = 100):
    await asyncio.sleep(ms / 1000)
    return "ok"


@app.get("/health", response_class=PlainTextResponse)
async def health():
    return "ok"
