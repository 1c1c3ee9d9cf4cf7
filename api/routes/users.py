"""API users (admin only). The CLI `fairrecruit users` calls the same service."""
from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody

from api.auth import allow
from api.schemas import UserCreate, UserCreated, UserOut
from registry import users

ADMINS = allow()


class UserController(Controller):
    path = "/api/v1/users"
    tags = ["users"]

    @get("/", **ADMINS)
    async def list_users(self) -> list[UserOut]:
        return [UserOut(**row) for row in await users.list_users()]

    @post("/", **ADMINS)
    async def create_user(self, request: Request, data: JSONBody[UserCreate]) -> UserCreated:
        user, token = await users.create_user(
            data.name, data.role, actor=request.state.user.name, expires_at=data.expires_at)
        return UserCreated(**user, token=token)

    @post("/{name:str}/revoke", status_code=200, **ADMINS)
    async def revoke(self, request: Request, name: FromPath[str]) -> UserOut:
        return UserOut(**await users.revoke_user(name, actor=request.state.user.name))
