"""The call refusals (French, safe to show) and the words they are made of."""

from __future__ import annotations

from server.core.errors import PlateauError
from server.telephony.call_state import CallAction, CallError, CallState


class CallRefused(PlateauError):
    """A call action the exam does not allow now; the message is French and safe to show."""


class CallRaced(CallRefused):
    """Another action changed the call since it was read (the version check refused this one)."""


class CallMediaRefused(CallRefused):
    """The media plane refused what the call needed (reported as an incident already)."""


VERBS_FR = {
    CallAction.ANSWER: "décrocher",
    CallAction.REJECT: "refuser l'appel",
    CallAction.MISS: "annuler l'appel",
    CallAction.HOLD: "mettre en attente",
    CallAction.RESUME: "reprendre l'appel",
    CallAction.HANG_UP: "raccrocher",
}

STATE_WORDS_FR = {
    CallState.RINGING.value: "il sonne encore",
    CallState.ACTIVE.value: "il a été décroché",
    CallState.HELD.value: "il est en attente",
    CallState.ENDED.value: "il est terminé",
    CallState.MISSED.value: "il a été manqué",
    CallState.REJECTED.value: "il a été refusé",
}


def refusal_fr(action: CallAction, exc: CallError) -> str:
    """The state machine's refusal of `action`, in French."""
    return f"Impossible de {VERBS_FR[action]} maintenant ({exc})."
