"""The refusals every service's use cases raise, and what each means to a caller.

One family for all services: a use case (or the domain) raises :class:`NotFound`,
:class:`Forbidden`, :class:`Conflict` or :class:`DomainError`, each naming the input at fault when
there is one (``field``, dotted: ``consent.given_on``). The HTTP side
(:func:`aktywni_shared.http_errors.install_error_handlers`) turns every one of them into its 4xx
answer from :meth:`ServiceError.body`; nothing here knows HTTP beyond the status number.

A service refines the family by subclassing (a refusal with several named fields overrides
:meth:`ServiceError.details`; a conflict that points at the existing record adds to ``extra``).
"""

from __future__ import annotations

from typing import Any, ClassVar


class ServiceError(Exception):
    """A refusal the caller can act on. ``field`` names the input at fault (dotted), if any."""

    status: ClassVar[int] = 400
    #: the ``type`` of each detail entry (``domain``, ``not_found``, ``conflict.busy``, ...)
    kind: ClassVar[str] = "error"
    #: where the field lives: ``body``, ``path`` or ``query``
    where: ClassVar[str] = "body"
    #: whether the answer lists the fault even when no field is named (422's are always a list)
    always_listed: ClassVar[bool] = False

    def __init__(self, message: str, field: str | None = None, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = dict(extra or {})

    def details(self) -> list[dict[str, Any]]:
        """One entry per fault: ``loc`` (where, then the field's path), ``msg`` and ``type``."""
        loc = [self.where, *self.field.split(".")] if self.field else [self.where]
        return [{"loc": loc, "msg": self.message, "type": self.kind}]

    def body(self) -> dict[str, Any]:
        """The answer's JSON: ``detail`` a list of faults when a field is named, else the message."""
        listed = self.always_listed or self.field is not None or type(self).details is not ServiceError.details
        detail: Any = self.details() if listed else self.message
        return {"detail": detail, **self.extra}


class NotFound(ServiceError):
    """Unknown, or not the caller's to know of (an outsider learns nothing from a 404)."""

    status = 404
    kind = "not_found"
    where = "path"


class Forbidden(ServiceError):
    """Known to the caller, but their role or organisation may not do this."""

    status = 403
    kind = "forbidden"


class Conflict(ServiceError):
    """The request clashes with what is stored (a duplicate, a concurrent change, a taken slot)."""

    status = 409
    kind = "conflict"


class PreconditionFailed(ServiceError):
    """The caller changed a version it read (``If-Match``) that is no longer the stored one."""

    status = 412
    kind = "precondition_failed"
    where = "header"


class DomainError(ServiceError):
    """The domain's rules refuse the input; the answer names the field and the reason."""

    status = 422
    kind = "domain"
    always_listed = True
