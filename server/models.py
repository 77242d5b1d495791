"""Imports every package's tables so `Base.metadata` is complete (Alembic, tests)."""

from server.auth import models as auth_models  # noqa: F401
from server.certification import models as certification_models  # noqa: F401
from server.chat import models as chat_models  # noqa: F401
from server.core import (
    audit,  # noqa: F401
    heartbeat,  # noqa: F401
)
from server.core.db import Base
from server.crm import models as crm_models  # noqa: F401
from server.documents import models as documents_models  # noqa: F401
from server.evaluation import models as evaluation_models  # noqa: F401
from server.exams import models as exams_models  # noqa: F401
from server.progress import models as progress_models  # noqa: F401
from server.scenarios import models as scenarios_models  # noqa: F401
from server.telephony import models as telephony_models  # noqa: F401
from server.writing import models as writing_models  # noqa: F401

metadata = Base.metadata
