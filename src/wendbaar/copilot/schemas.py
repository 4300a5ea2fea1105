from datetime import datetime

from ninja import Field, Schema


class DraftSourceOut(Schema):
    position: int
    ref: str
    kind: str
    title: str
    quote: str
    url: str
    locator: str
    score: float | None


class ReviewOut(Schema):
    decision: str
    reviewer_id: int | None
    final_text: str
    edit_distance: int
    edit_ratio: float
    seconds_spent: int | None
    comment: str
    created_at: datetime


class DraftOut(Schema):
    id: int
    capability: str
    kind: str
    title: str
    status: str
    text: str
    content: dict
    language: str
    confidence: float
    engine: str
    model_name: str
    prompt_version: str
    engine_note: str
    assignee_id: int | None
    team_id: int | None
    visibility: str
    subject_type: str | None = None
    subject_id: str
    created_at: datetime
    sources: list[DraftSourceOut]
    review: ReviewOut | None = None

    @staticmethod
    def resolve_subject_type(obj):
        return obj.subject_type.model if obj.subject_type_id else None

    @staticmethod
    def resolve_sources(obj):
        return list(obj.sources.all())

    @staticmethod
    def resolve_review(obj):
        return getattr(obj, "review", None)


class DraftListOut(Schema):
    id: int
    capability: str
    kind: str
    title: str
    status: str
    confidence: float
    engine: str
    assignee_id: int | None
    team_id: int | None
    created_at: datetime


class SourceIn(Schema):
    ref: str = Field(..., min_length=1, max_length=200)
    quote: str = Field("", max_length=20000)
    title: str = Field("", max_length=250)
    kind: str = Field("", max_length=64)
    url: str = Field("", max_length=500)
    locator: str = Field("", max_length=120)
    score: float | None = None


class DraftIn(Schema):
    capability: str
    kind: str = Field(..., min_length=1, max_length=64)
    title: str = Field(..., min_length=1, max_length=250)
    text: str = Field(..., min_length=1, max_length=200000)
    confidence: float = Field(..., ge=0, le=1)
    engine: str = Field(..., min_length=1, max_length=64)
    model_name: str = Field("", max_length=200)
    prompt_version: str = Field("", max_length=64)
    language: str = Field("", max_length=8)
    content: dict = Field(default_factory=dict)
    sources: list[SourceIn] = Field(default_factory=list, max_length=200)
    assignee_id: int | None = None
    team_id: int | None = None
    visibility: str = "team"


class ReviewIn(Schema):
    decision: str = Field(..., pattern="^(accepted|edited|rejected)$")
    final_text: str | None = Field(None, max_length=200000)
    final_content: dict | None = None
    seconds_spent: int | None = Field(None, ge=0)
    comment: str = Field("", max_length=5000)
