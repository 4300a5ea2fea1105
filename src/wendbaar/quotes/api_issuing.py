"""Quotes API, one part (issuing); added to the quotes router in quotes/api.py.

`POST /{id}/issue` issues a quote (PDF stored, new accept link; nothing sent), `POST /{id}/send`
mails it with its PDF and accept link; `GET /{id}/pdf`, `/{id}/export.csv` and `/{id}/ubl` download
it; `GET /export.csv` gives every quote the caller may see (`kind=lines|summary`, `status`,
`since`). Reading needs quotes:read, issuing and sending quotes:write; someone who does not work
on quotes gets 404."""

from datetime import date, datetime

from django.http import Http404, HttpResponse
from ninja import Query, Router, Schema

from wendbaar.quotes import export, issuing, selectors
from wendbaar.quotes.choices import QuoteStatus
from wendbaar.quotes.views_issuing import pdf_response

router = Router()


class IssuedQuoteOut(Schema):
    id: int
    number: str
    status: str
    issued_at: datetime | None
    valid_until: date | None
    sent_at: datetime | None
    sent_to: str
    decided_at: datetime | None
    decided_by_name: str
    has_pdf: bool

    @staticmethod
    def resolve_has_pdf(obj) -> bool:
        return bool(obj.pdf)


class SendIn(Schema):
    to: str | None = None
    message: str = ""


class ExportFilter(Schema):
    kind: str = "lines"
    status: QuoteStatus | None = None
    since: date | None = None


def _download(content, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.post("/{int:quote_id}/issue", response=IssuedQuoteOut)
def quote_issue(request, quote_id: int):
    quote = selectors.quote_get(user=request.user, pk=quote_id)
    return issuing.quote_issue(quote=quote, actor=request.user)


@router.post("/{int:quote_id}/send", response=IssuedQuoteOut)
def quote_send(request, quote_id: int, payload: SendIn):
    quote = selectors.quote_get(user=request.user, pk=quote_id)
    return issuing.quote_send(
        quote=quote,
        actor=request.user,
        to=(payload.to or "").strip()[:254] or None,
        message=payload.message[:5000],
        base_url=request.build_absolute_uri("/"),
    )


@router.get("/{int:quote_id}/pdf")
def quote_pdf(request, quote_id: int):
    quote = selectors.quote_get(user=request.user, pk=quote_id)
    return pdf_response(quote)


@router.get("/{int:quote_id}/export.csv")
def quote_export_csv(request, quote_id: int):
    quote = selectors.quote_get(user=request.user, pk=quote_id)
    return _download(
        "\ufeff" + export.lines_csv([quote]),
        filename=f"{quote.number}.csv",
        content_type="text/csv; charset=utf-8",
    )


@router.get("/{int:quote_id}/ubl")
def quote_export_ubl(request, quote_id: int):
    quote = selectors.quote_get(user=request.user, pk=quote_id)
    return _download(
        export.quote_ubl(quote),
        filename=f"{quote.number}.xml",
        content_type="application/xml; charset=utf-8",
    )


@router.get("/export.csv")
def quotes_export_csv(request, filters: Query[ExportFilter]):
    if not selectors.quote_can_work(request.user):
        raise Http404
    quotes = export.quotes_for_export(
        user=request.user, status=filters.status or "", since=filters.since
    )
    summary = filters.kind == "summary"
    text = export.summary_csv(quotes) if summary else export.lines_csv(quotes)
    return _download(
        "\ufeff" + text,
        filename="offertes-summary.csv" if summary else "offertes-lines.csv",
        content_type="text/csv; charset=utf-8",
    )
