"""What every card processor client shares: errors and a JSON/form POST with retries."""

import logging

import requests

_logger = logging.getLogger(__name__)

TIMEOUT = 20  # seconds; a processor slower than that is treated as unreachable


class PaymentGatewayError(Exception):
    """The processor refused the request or could not be reached.

    ``code`` is the processor's own error code when it sent one; ``retryable``
    says whether sending the very same request again is safe and may succeed;
    ``outcome_unknown`` that the request may have been carried out.
    """

    def __init__(
        self, message, code=None, retryable=False, payload=None, outcome_unknown=False
    ):
        super().__init__(message)
        self.code = code
        self.retryable = retryable
        self.payload = payload
        # No answer came back: the processor may or may not have acted.
        self.outcome_unknown = outcome_unknown


class PaymentSignatureError(Exception):
    """A message claiming to come from the processor is not signed by it."""


def post(url, *, json_body=None, form=None, headers=None, timeout=TIMEOUT):
    """POST once and return the ``requests`` response.

    Money operations (start, refund) are never retried here: a timeout does not
    tell whether the processor acted, and a second call could charge or refund
    twice. The caller turns the error into a message and changes nothing.
    """
    try:
        return requests.post(
            url, json=json_body, data=form, headers=headers or {}, timeout=timeout
        )
    except requests.Timeout as error:
        raise PaymentGatewayError(
            f"no answer from {url} within {timeout} s", outcome_unknown=True
        ) from error
    except requests.ConnectionError as error:
        raise PaymentGatewayError(
            f"cannot reach {url}: {error}", retryable=True
        ) from error
