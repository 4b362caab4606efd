"""Participants in MongoDB: clear profile, personal fields encrypted under each participant's data key.

The participant document and the events a command emits are written in one single-document write
(the events go into its ``outbox``). Data keys live in ``participant_keys``, one small document per
participant that also names its project and organisation (the project's roster is read from them);
erasure removes the key material from it first, so the personal data is unreadable even if the rest
of the erasure were interrupted, and leaves the document as the erased participant's roster entry.
``participant_identities`` maps a person's blind index in a project (PESEL, or name and birth date)
to their participant: claimed by an insert before the participant is written, it keeps one person
from being enrolled twice, also by two requests at once, and finds them by ``_id`` alone.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.group_commit import InsertGroup
from aktywni_shared.messaging.outbox import OUTBOX, Outbox, event_entry
from aktywni_shared.mongo import Document
from aktywni_shared.store_limits import STATEMENTS_PER_COMMAND
from enrolment.domain.errors import ConcurrentChange
from enrolment.domain.participants import EnrolParticipant, Participant, Profile, Status
from enrolment.domain.personal import personal_values
from enrolment.domain.search import name_prefixes, words
from enrolment.store.crypto import DataCipher, Keyring, WrappedKey
from enrolment.use_cases.ports import DuplicateParticipant, ParticipantQuery, StoredParticipant

#: The document in ``participant_keys`` that says the erased of earlier versions have their roster entry.
ROSTER_MARKER = "roster:erased-listed"

#: The document in ``participant_keys`` that says every data key of earlier versions has its name index.
NAMES_MARKER = "names:prefixes-in-keys"

#: Up to how many participants found by name or PESEL are checked against a status or category by ``_id``.
FEW_CANDIDATES = 32

#: How long an identity claim without its participant is taken for an enrolment still being written.
CLAIM_LEASE_SECONDS = 30.0


def identity_text(command: EnrolParticipant) -> str:
    """What identifies a person without PESEL: name and birth date, normalised."""
    return f"{command.first_name.casefold()}|{command.last_name.casefold()}|{command.birth_date}"


class ParticipantStore:
    """The participants of :class:`enrolment.use_cases.ports.ParticipantRepository` in MongoDB."""

    def __init__(self, db: AsyncDatabase[Document], keyring: Keyring, outbox: Outbox) -> None:
        self.collection: AsyncCollection[Document] = db["participants"]
        self.keys: AsyncCollection[Document] = db["participant_keys"]
        self.identities: AsyncCollection[Document] = db["participant_identities"]
        self.keyring = keyring
        self.outbox = outbox
        # Concurrent enrolments' data keys and participants go in shared inserts (each waits for its own).
        self._key_inserts = InsertGroup(self.keys)
        self._inserts = InsertGroup(self.collection)

    async def create_indexes(self) -> None:
        await self.collection.create_index([("project_id", ASCENDING), ("organisation_id", ASCENDING)])
        await self.collection.create_index([("project_id", ASCENDING), ("pesel_hash", ASCENDING)])
        await self.keys.create_index([("project_id", ASCENDING), ("organisation_id", ASCENDING)])
        await self._place_unplaced_keys()
        await self._list_erased_before()
        await self._index_names_before()

    async def _place_unplaced_keys(self) -> None:
        """Give the data keys written before keys named their project and organisation those two fields.

        One pass over the small key documents at start; nothing to do once every key has them.
        """
        unplaced = [doc["_id"] async for doc in self.keys.find({"project_id": {"$exists": False}}, {"_id": 1})]
        for start in range(0, len(unplaced), STATEMENTS_PER_COMMAND):
            window = unplaced[start : start + STATEMENTS_PER_COMMAND]
            owners = self.collection.find({"_id": {"$in": window}}, {"project_id": 1, "organisation_id": 1})
            async for owner in owners:
                await self.keys.update_one(
                    {"_id": owner["_id"]},
                    {"$set": {"project_id": owner["project_id"], "organisation_id": owner["organisation_id"]}},
                )

    async def _list_erased_before(self) -> None:
        """Give the participants erased before erasure kept their roster entry one (no key in it).

        Done once per database: a marker document (it names no project, so it is never listed) says so.
        """
        if await self.keys.find_one({"_id": ROSTER_MARKER}, {"_id": 1}) is not None:
            return
        erased = self.collection.find({"status": Status.ERASED.value}, {"project_id": 1, "organisation_id": 1})
        entries = [_roster_entry(doc["_id"], doc["project_id"], doc["organisation_id"]) async for doc in erased]
        for start in range(0, len(entries), STATEMENTS_PER_COMMAND):
            window = entries[start : start + STATEMENTS_PER_COMMAND]
            present = {doc["_id"] async for doc in self.keys.find({"_id": {"$in": [e["_id"] for e in window]}})}
            missing = [entry for entry in window if entry["_id"] not in present]
            if missing:
                await _insert_all(self.keys, missing)
        await _insert_all(self.keys, [{"_id": ROSTER_MARKER, "done_at": datetime.now(UTC)}])

    async def _index_names_before(self) -> None:
        """Give the data keys of the participants stored before the name index lived beside them theirs.

        An earlier version kept the index in the participant document (moved here, then unset there);
        one before it had none (made from the names, decrypted with the participant's key). Done once
        per database, like :meth:`_list_erased_before`; the erased (no names, no key) are left out.
        """
        if await self.keys.find_one({"_id": NAMES_MARKER}, {"_id": 1}) is not None:
            return
        living = self.collection.find(
            {"status": {"$ne": Status.ERASED.value}},
            {"pii.first_name": 1, "pii.last_name": 1, "name_prefixes": 1},
        )
        participants = {doc["_id"]: doc async for doc in living}
        pids = sorted(participants)
        for start in range(0, len(pids), STATEMENTS_PER_COMMAND):
            window = pids[start : start + STATEMENTS_PER_COMMAND]
            unindexed = {"_id": {"$in": window}, "wrapped": {"$exists": True}, "name_prefixes": {"$exists": False}}
            async for key in self.keys.find(unindexed):
                doc = participants[key["_id"]]
                index = doc.get("name_prefixes")
                if index is None:
                    pii = doc.get("pii", {})
                    if "first_name" not in pii or "last_name" not in pii:
                        continue
                    cipher = self.keyring.open_data_key(key["_id"], WrappedKey(key["key_id"], key["wrapped"]))
                    index = self.name_index(*(cipher.decrypt(name, pii[name]) for name in ("first_name", "last_name")))
                await self.keys.update_one({"_id": key["_id"]}, {"$set": {"name_prefixes": index}})
        await self.collection.update_many({"name_prefixes": {"$exists": True}}, {"$unset": {"name_prefixes": ""}})
        await _insert_all(self.keys, [{"_id": NAMES_MARKER, "done_at": datetime.now(UTC)}])

    def name_index(self, first_name: str, last_name: str) -> list[str]:
        """The blind index of the names: a keyed hash of each beginning of each word (see :meth:`page`).

        "name:" keeps these hashes apart from the PESEL's, made with the same key.
        """
        return sorted({self._name_hash(prefix) for prefix in name_prefixes(first_name, last_name)})

    def _name_hash(self, prefix: str) -> str:
        return self.keyring.lookup_hash(f"name:{prefix}")

    def dedupe_key(self, project_id: str, command: EnrolParticipant) -> str:
        if command.pesel:
            return f"{project_id}:pesel:{self.keyring.lookup_hash(command.pesel)}"
        return f"{project_id}:identity:{self.keyring.lookup_hash(identity_text(command))}"

    async def by_pesel(self, project_id: str, pesel: str) -> str | None:
        identity = await self.identities.find_one({"_id": f"{project_id}:pesel:{self.keyring.lookup_hash(pesel)}"})
        return None if identity is None else str(identity["participant_id"])

    async def _claim_identity(self, dedupe_key: str, participant: Participant) -> None:
        """Claim the person's identity in the project, or raise :class:`DuplicateParticipant`."""
        mine = {
            "participant_id": str(participant.participant_id),
            "organisation_id": participant.organisation_id,
            "claimed_at": time.time(),
        }
        try:
            await self.identities.insert_one({"_id": dedupe_key, **mine})
            return
        except DuplicateKeyError:
            pass
        identity = await self.identities.find_one({"_id": dedupe_key})
        if identity is not None and await self.collection.find_one({"_id": identity["participant_id"]}, {"_id": 1}):
            raise DuplicateParticipant(identity["participant_id"], identity["organisation_id"])
        # A fresh claim without its participant is an enrolment still being written (taking it over
        # would store the person twice); only a claim older than the lease is left by a crash.
        if identity is not None and time.time() - float(identity.get("claimed_at", 0)) < CLAIM_LEASE_SECONDS:
            raise ConcurrentChange("the same person is being enrolled by another request; try again shortly")
        # A claim left by an enrolment that crashed before writing its participant: take it over.
        taken = await self.identities.update_one(
            {"_id": dedupe_key, "participant_id": (identity or {}).get("participant_id")}, {"$set": mine}
        )
        if taken.modified_count != 1:
            raise ConcurrentChange("the same person is being enrolled by another request")

    def _document(
        self, participant: Participant, command: EnrolParticipant, dedupe_key: str
    ) -> tuple[Document, Document]:
        """The participant document (personal fields encrypted under a new data key) and that key's document."""
        pid = str(participant.participant_id)
        wrapped, cipher = self.keyring.new_data_key(pid)
        document = {
            "_id": pid,
            "project_id": participant.project_id,
            "organisation_id": participant.organisation_id,
            "status": participant.status.value,
            "enrolled_on": participant.enrolled_on.isoformat(),
            "history": participant.history,
            "profile": participant.profile.model_dump(mode="json"),
            "pii": {name: cipher.encrypt(name, value) for name, value in personal_values(command).items()},
            "pesel_hash": self.keyring.lookup_hash(command.pesel) if command.pesel else None,
            "dedupe_key": dedupe_key,
            "consent": command.consent.model_dump(mode="json"),
            "created_at": datetime.now(UTC),
        }
        key = {
            "_id": pid,
            "key_id": wrapped.key_id,
            "wrapped": wrapped.wrapped,
            # Where the key's participant is listed: the project's roster is read from these small
            # documents (see :meth:`page`). No personal value; the key goes at erasure, and so does this.
            "project_id": participant.project_id,
            "organisation_id": participant.organisation_id,
            # The blind index of the names (see :meth:`name_index`): a name search passes over these
            # small documents too, and it goes with the key at erasure.
            "name_prefixes": self.name_index(command.first_name, command.last_name),
        }
        return document, key

    async def add_many(self, items: Sequence[tuple[Participant, EnrolParticipant, Envelope]]) -> dict[int, Document]:
        """Store many participants in a few bulk writes; the ones already in the project, by index.

        Each participant document is still written whole, with its event, by one insert; only the
        round trips are shared. Identities are claimed first, so nobody is stored twice.
        """
        if not items:  # a bulk write of nothing is refused by the server
            return {}
        keys = [self.dedupe_key(p.project_id, c) for p, c, _ in items]
        claims = [
            {
                "_id": key,
                "participant_id": str(p.participant_id),
                "organisation_id": p.organisation_id,
                "claimed_at": time.time(),
            }
            for key, (p, _, _) in zip(keys, items, strict=True)
        ]
        taken = await _insert_all(self.identities, claims)
        duplicates = await self._held_elsewhere(taken, keys, claims)
        fresh = [i for i in range(len(items)) if i not in duplicates]
        if not fresh:
            return duplicates
        built = [self._document(items[i][0], items[i][1], keys[i]) for i in fresh]
        documents = [
            {**document, OUTBOX: [event_entry(items[i][2])]} for i, (document, _) in zip(fresh, built, strict=True)
        ]
        await self.keys.insert_many([key for _, key in built], ordered=False)
        await self.collection.insert_many(documents, ordered=False)
        await self.outbox.expect_many(self.collection, [document["_id"] for document in documents])
        return duplicates

    async def _held_elsewhere(self, taken: set[int], keys: list[str], claims: list[Document]) -> dict[int, Document]:
        """Of the claims refused as taken, the ones really held, by index; orphans are taken over.

        A claim whose participant was never written and which is older than the lease was left by an
        enrolment that crashed in between: like :meth:`_claim_identity`, take it over instead of
        calling the person enrolled for ever. A younger one is an enrolment in progress.
        """
        if not taken:
            return {}
        existing = {doc["_id"]: doc async for doc in self.identities.find({"_id": {"$in": [keys[i] for i in taken]}})}
        holders = [str(doc["participant_id"]) for doc in existing.values()]
        stored = {doc["_id"] async for doc in self.collection.find({"_id": {"$in": holders}}, {"_id": 1})}
        held: dict[int, Document] = {}
        for i in sorted(taken):
            identity = existing.get(keys[i])
            orphan = (
                identity is not None
                and str(identity["participant_id"]) not in stored
                and time.time() - float(identity.get("claimed_at", 0)) >= CLAIM_LEASE_SECONDS
            )
            if orphan and identity is not None:
                mine = {name: value for name, value in claims[i].items() if name != "_id"}
                took = await self.identities.update_one(
                    {"_id": keys[i], "participant_id": identity["participant_id"]}, {"$set": mine}
                )
                if took.modified_count == 1:
                    continue
            held[i] = identity or {}
        return held

    async def ids_of(self, project_id: str, commands: Sequence[EnrolParticipant]) -> list[str]:
        """The participant id that holds each command's identity in the project ('' where none is claimed)."""
        keys = [self.dedupe_key(project_id, command) for command in commands]
        if not keys:
            return []
        cursor = self.identities.find({"_id": {"$in": keys}}, {"participant_id": 1})
        held = {str(doc["_id"]): str(doc["participant_id"]) async for doc in cursor}
        return [held.get(key, "") for key in keys]

    async def add(self, participant: Participant, command: EnrolParticipant, envelope: Envelope) -> None:
        """Store the participant and its ParticipantEnrolled event in one single-document write."""
        dedupe_key = self.dedupe_key(participant.project_id, command)
        await self._claim_identity(dedupe_key, participant)
        document, key = self._document(participant, command, dedupe_key)
        await self._key_inserts.insert(key)
        # The outbox marker once, after the insert, shared with concurrent enrolments (Outbox.mark_after).
        await self._inserts.insert({**document, OUTBOX: [event_entry(envelope)]})
        await self.outbox.mark_after([(self.collection, document["_id"])])

    async def get(self, participant_id: uuid.UUID | str) -> StoredParticipant | None:
        doc = await self.collection.find_one({"_id": str(participant_id)}, {OUTBOX: 0})
        return None if doc is None else _stored(doc)

    async def cipher(self, participant_id: uuid.UUID | str) -> DataCipher | None:
        key = await self.keys.find_one({"_id": str(participant_id)})
        if key is None or "wrapped" not in key:  # an erased participant's entry holds no key
            return None
        return self.keyring.open_data_key(participant_id, WrappedKey(key["key_id"], key["wrapped"]))

    async def personal_data(self, stored: StoredParticipant) -> dict[str, Any]:
        """The decrypted personal fields ({} once erased)."""
        pid = stored.participant.participant_id
        if stored.sealed_key is not None and stored.sealed:
            cipher: DataCipher | None = self.keyring.open_data_key(pid, WrappedKey(*stored.sealed_key))
        else:
            cipher = await self.cipher(pid)
        if cipher is None:
            return {}
        return {name: cipher.decrypt(name, token) for name, token in stored.sealed.items()}

    async def save(
        self,
        participant: Participant,
        expected_status: Status,
        envelope: Envelope | None,
        personal: dict[str, str] | None = None,
    ) -> None:
        """Write a transition (and its event) if nobody changed the status meanwhile."""
        pid = str(participant.participant_id)
        update: Document = {
            "$set": {
                "status": participant.status.value,
                "enrolled_on": participant.enrolled_on.isoformat(),
                "history": participant.history,
                "profile": participant.profile.model_dump(mode="json"),
                "updated_at": datetime.now(UTC),
            }
        }
        renamed: list[str] | None = None
        if personal:
            cipher = await self.cipher(pid)
            if cipher is None:
                raise ConcurrentChange("the participant's data key is gone (erased)")
            for name, value in personal.items():
                update["$set"][f"pii.{name}"] = cipher.encrypt(name, value)
            if "first_name" in personal or "last_name" in personal:
                # Today no change sets a name; if one ever does, the name index follows it.
                stored = await self.collection.find_one({"_id": pid}, {"pii.first_name": 1, "pii.last_name": 1})
                sealed = (stored or {}).get("pii", {})
                first, last = (
                    personal[n] if n in personal else cipher.decrypt(n, sealed[n]) if n in sealed else ""
                    for n in ("first_name", "last_name")
                )
                renamed = self.name_index(first, last)
        matched = await self.outbox.update(
            self.collection,
            pid,
            update,
            [envelope] if envelope else [],
            condition={"status": expected_status.value},
        )
        if not matched:
            raise ConcurrentChange("the participant was changed meanwhile; read it again")
        if renamed is not None:
            await self.keys.update_one({"_id": pid, "wrapped": {"$exists": True}}, {"$set": {"name_prefixes": renamed}})

    async def erase(self, participant: Participant, expected_status: Status, envelope: Envelope) -> None:
        """Crypto-shred first (the data key leaves its document), then drop the ciphertext and the blind indexes.

        The key's document stays, reduced to the participant's place in the roster: the erased are
        still listed (with their status and no personal data) and counted.
        """
        pid = str(participant.participant_id)
        await self.keys.replace_one(
            {"_id": pid}, _roster_entry(pid, participant.project_id, participant.organisation_id), upsert=True
        )
        stored = await self.collection.find_one({"_id": pid}, {"dedupe_key": 1})
        if stored is not None:
            await self.identities.delete_one({"_id": stored["dedupe_key"]})
        matched = await self.outbox.update(
            self.collection,
            pid,
            {
                "$set": {
                    "status": participant.status.value,
                    "history": participant.history,
                    "dedupe_key": f"erased:{pid}",
                    "erased_at": datetime.now(UTC),
                },
                "$unset": {"pii": "", "pesel_hash": "", "name_prefixes": "", "consent": ""},
            },
            [envelope],
            condition={"status": expected_status.value},
        )
        if not matched:
            raise ConcurrentChange("the participant was changed meanwhile; read it again")

    async def page(self, query: ParticipantQuery, *, skip: int, limit: int) -> tuple[int, list[StoredParticipant]]:
        # FerretDB evaluates a filter other than ``_id`` over the whole collection, so the matching ids
        # come from one pass, ordered here (a count and a sorted find were two such passes, the sort
        # one more), and the page's documents then by ``_id``, side by side. The pass is over the data
        # keys where it can be, a few dozen bytes each, instead of the participant documents with
        # their ciphertexts, history and outbox (about 4 times faster at 1 000 participants): a key's
        # document names its project and organisation (an erased participant's stays, without the
        # key) and holds the blind index of the names. The keys read in that pass open the page's
        # personal data, with no read per participant. A PESEL is found through its identity claim.
        scope: Document = {"project_id": query.project_id}
        if query.organisation_id:
            scope["organisation_id"] = query.organisation_id
        own: Document = {}  # the participant's own fields, only in its document
        if query.status:
            own["status"] = query.status.value
        if query.category:
            own["profile.category"] = query.category.value
        if query.name is not None:
            wanted = words(query.name)
            if not wanted:  # only separators: no word to begin a name with, so nobody matches
                return 0, []
            # The blind index holds a hash of every beginning of every word of the names.
            scope["name_prefixes"] = {"$all": sorted({self._name_hash(word) for word in wanted})}
        keys: dict[str, tuple[str, str] | None] = {}
        if query.pesel is None and query.name is None and own:
            ids = sorted([doc["_id"] async for doc in self.collection.find({**scope, **own}, {"_id": 1})])
        else:
            if query.pesel:
                holder = await self.by_pesel(query.project_id, query.pesel)
                found = [] if holder is None else [await self.keys.find_one({"_id": holder, **scope})]
            else:
                found = [key async for key in self.keys.find(scope, {"key_id": 1, "wrapped": 1})]
            for key in found:
                if key is not None:
                    keys[key["_id"]] = (key["key_id"], key["wrapped"]) if "wrapped" in key else None
            ids = await self._matching(sorted(keys), own) if own else sorted(keys)
        wanted_ids = ids[skip : skip + limit]
        docs = await asyncio.gather(*(self.collection.find_one({"_id": i}, {OUTBOX: 0}) for i in wanted_ids))
        return len(ids), [
            dataclasses.replace(_stored(doc), sealed_key=keys.get(doc["_id"])) for doc in docs if doc is not None
        ]

    async def _matching(self, candidates: list[str], own: Document) -> list[str]:
        """The candidates whose participant document matches ``own``, in order.

        A few are read by ``_id`` (each an indexed read), many in one pass like any other filter.
        """
        if len(candidates) <= FEW_CANDIDATES:
            found = await asyncio.gather(*(self.collection.find_one({"_id": c, **own}, {"_id": 1}) for c in candidates))
            return [doc["_id"] for doc in found if doc is not None]
        cursor = self.collection.find({"_id": {"$in": candidates}, **own}, {"_id": 1})
        return sorted([doc["_id"] async for doc in cursor])

    async def enrolment_span(self, project_id: str) -> tuple[date, date] | None:
        """Two reads of one field each, the first and the last by ``enrolled_on`` (an ISO date, so it sorts
        as the days do); asked only when a coordinator changes the period."""
        entered = {"$nin": [Status.CANDIDATE.value, Status.QUALIFIED.value]}
        query: Document = {"project_id": project_id, "status": entered}
        ends = []
        for direction in (ASCENDING, DESCENDING):
            doc = await self.collection.find_one(query, {"enrolled_on": 1}, sort=[("enrolled_on", direction)])
            if doc is None:
                return None
            ends.append(date.fromisoformat(doc["enrolled_on"]))
        return ends[0], ends[1]

    async def in_project(self, project_id: str) -> list[StoredParticipant]:
        cursor = self.collection.find({"project_id": project_id}, {OUTBOX: 0}).sort("_id", ASCENDING)
        return [_stored(doc) async for doc in cursor]


async def _insert_all(collection: AsyncCollection[Document], documents: list[Document]) -> set[int]:
    """Insert what is new; the indexes of the documents whose ``_id`` was taken already."""
    if not documents:
        return set()
    try:
        await collection.insert_many(documents, ordered=False)
    except BulkWriteError as error:
        errors = error.details.get("writeErrors", [])
        if any(e.get("code") != 11000 for e in errors):
            raise
        return {int(e["index"]) for e in errors}
    return set()


def _roster_entry(pid: str, project_id: str, organisation_id: str) -> Document:
    """An erased participant's document in ``participant_keys``: where they are listed, no key."""
    return {"_id": pid, "project_id": project_id, "organisation_id": organisation_id, "erased": True}


def from_document(doc: Document) -> Participant:
    return Participant(
        participant_id=uuid.UUID(doc["_id"]),
        project_id=doc["project_id"],
        organisation_id=doc["organisation_id"],
        profile=Profile.model_validate(doc["profile"]),
        enrolled_on=date.fromisoformat(doc["enrolled_on"]),
        status=Status(doc["status"]),
        history=list(doc.get("history", [])),
    )


def _stored(doc: Document) -> StoredParticipant:
    return StoredParticipant(
        from_document(doc),
        consent_scope=frozenset(doc.get("consent", {}).get("scope", [])),
        sealed=dict(doc.get("pii", {})),
    )
