"""API schemas of the governance module (no `from __future__ import annotations` here)."""

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from ninja import Field, Schema


class MeetingFilters(Schema):
    kind: str = ""
    congress: str = Field("", description="Slug of the congress whose sessions to list.")
    body: str = Field("", description="Slug of the convening body.")
    year: int | None = None


class MeetingOut(Schema):
    slug: str
    kind: str
    title: str
    title_fr: str | None
    title_en: str | None
    start: dt.datetime
    end: dt.datetime
    timezone: str
    venue: str
    body: str | None
    congress: str | None
    capacity: int | None
    url: str


class ResolutionFilters(Schema):
    q: str = ""
    state: str = ""
    kind: str = ""
    topic: str = ""
    body: str = ""
    meeting: str = ""


class ResolutionOut(Schema):
    slug: str
    number: str
    kind: str
    state: str
    title: str
    title_fr: str | None
    title_en: str | None
    body: str
    meeting: str | None
    decided_on: dt.date | None
    topics: list[str]
    url: str


class ParagraphOut(Schema):
    number: int
    key: int = Field(..., description="The paragraph's identity across versions.")
    text_fr: str | None
    text_en: str | None


class ResolutionDetailOut(ResolutionOut):
    authentic_language: str
    version: int = Field(..., description="The current text's version number.")
    paragraphs: list[ParagraphOut]
    votes: list[int]
    amendments: list[int] = Field(default_factory=list, description="Amendment ids.")


class ResolutionIn(Schema):
    meeting: str = Field(..., max_length=120, description="Slug of the session.")
    title_fr: str = Field(..., min_length=1, max_length=300)
    title_en: str = Field("", max_length=300)
    text_fr: str = Field(..., min_length=1, description="Paragraphs separated by a blank line.")
    text_en: str = Field("", description="The same paragraphs in English.")
    number: str = Field("", max_length=40)
    kind: Literal["resolution", "decision", "declaration", "statute_amendment"] = "resolution"


class AmendmentIn(Schema):
    version: int = Field(..., ge=1, le=10000, description="The version it is written against.")
    paragraph: int = Field(..., ge=1, le=10000, description="Its number in that version.")
    action: Literal["replace", "delete", "insert_after"]
    text_fr: str = ""
    text_en: str = ""
    justification_fr: str = ""
    justification_en: str = ""
    local_government: str = Field("", description="Slug of the submitting city (delegates).")


class AmendmentOut(Schema):
    id: int
    number: str
    resolution: str
    version: int | None
    paragraph: int
    paragraph_key: int | None
    action: str
    state: str
    text_fr: str
    text_en: str
    conflicts_with: list[int]


class AmendmentDecisionIn(Schema):
    decision: Literal["adopted", "rejected"] | None = None
    vote: int | None = Field(None, ge=1, description="A closed vote on this amendment.")


class VoteFilters(Schema):
    meeting: str = ""
    result: str = ""
    resolution: str = ""


class VoteOut(Schema):
    id: int
    resolution: str
    amendment: str | None
    meeting: str
    mode: str
    status: str
    entitled: int
    present: int
    represented: int
    yes: int
    no: int
    abstain: int
    result: str
    explanation: str
    rule: dict


class BallotIn(Schema):
    local_government: str = Field(..., description="Slug of the city you vote for.")
    option: Literal["yes", "no", "abstain"]


class BallotOut(Schema):
    vote: int
    local_government: str
    option: str
    by_proxy: bool


class RegistrationIn(Schema):
    given_name: str = Field(..., min_length=1, max_length=100)
    family_name: str = Field(..., min_length=1, max_length=100)
    email: str = Field(..., min_length=3, max_length=254)
    type: str = Field(..., max_length=30)
    gender: str = Field("unknown", max_length=10)
    local_government: str = Field("", description="Slug of the member city represented.")
    organisation: str = Field("", max_length=200)
    language: Literal["fr", "en"] = "fr"
    consent_to_list: bool = False
    sessions: list[str] = Field(default_factory=list, description="Slugs of sessions.")


class RegistrationOut(Schema):
    token: uuid.UUID
    status: str
    type: str = Field(..., description="The registration type's code.")
    type_name: dict[str, str] = Field(..., description='The type\'s name: {"fr", "en"}.')
    sessions: dict[str, str]


class RegistrationTypeOut(Schema):
    code: str
    name: dict[str, str]
    fee: str
    currency: str
    quota: int | None
    places_taken: int
    eligibility: str
    gives_badge: bool
    gives_voting_right: bool


class CheckInIn(Schema):
    code: str = Field(..., max_length=200)
    congress: str = Field("", max_length=120, description="Slug of the congress (the desk).")
    session: str = Field(
        "", max_length=120, description="Slug of the session whose door scans the badge."
    )


class CheckInOut(Schema):
    registration: str
    first_scan: bool
    local_government: str | None


class RuleEvaluateIn(Schema):
    """A rule and counts to evaluate; every field is checked by the evaluation itself, so a
    bad rule or impossible counts answer 400 with a message."""

    quorum: Any = Field(
        None,
        description='`{"base": "members", "fraction": "1/2", "comparison": "at_least", '
        '"count_represented": true}` or null for no quorum.',
    )
    majority: Any = Field(
        None,
        description='`{"base": "votes_cast" | "votes_cast_and_abstentions" | "attending" | '
        '"members", "fraction": "1/2", "comparison": "at_least" | "more_than"}`.',
    )
    tie: Any = Field("rejected", description="`rejected`, `chair_decides` or `casting_vote`.")
    counts: Any = Field(
        None,
        description="`members`, `present`, `represented`, `yes`, `no`, `abstain` (weights "
        "when weighted).",
    )
    chair_vote: Any = Field(None, description="`yes`, `no` or null.")


class Explanation(Schema):
    fr: str
    en: str


class RuleEvaluateOut(Schema):
    quorum_reached: bool
    tie: bool
    adopted: bool
    required: int | None = Field(
        ..., description="The fewest yes votes that would have adopted it (null: none would)."
    )
    explanation: Explanation


class ErrorOut(Schema):
    detail: str


# Elections (issue 10, item 9).


class CandidateOut(Schema):
    id: int
    name: str
    person: int | None
    local_government: str
    withdrawn: bool
    elected_in_round: int | None
    elected_by_lot: bool


class RoundResultOut(Schema):
    candidate: int
    votes: int


class RoundOut(Schema):
    number: int
    rule: str
    seats_to_fill: int
    status: str
    ballots: int | None = Field(None, description="Counted once the round is closed.")
    blank: int | None = None
    required: int | None = None
    tie: str
    results: list[RoundResultOut]
    explanation: dict[str, str]


class ElectionOut(Schema):
    id: int
    title_fr: str
    title_en: str
    meeting: str
    body: str
    seats: int
    seat_role: str
    term_years: int | None
    round_rules: list[str]
    status: str
    url: str


class ElectionDetailOut(ElectionOut):
    candidates: list[CandidateOut]
    rounds: list[RoundOut]


class ElectionBallotIn(Schema):
    local_government: str = Field(
        ..., min_length=1, max_length=100, description="Slug of the city you vote for."
    )
    candidates: list[Annotated[int, Field(ge=1, le=2_147_483_647)]] = Field(
        default_factory=list,
        max_length=50,
        description="Ids of the candidates chosen (at most the seats the round fills).",
    )
    blank: bool = False


class ElectionBallotOut(Schema):
    election: int
    round: int
    local_government: str
    by_proxy: bool
