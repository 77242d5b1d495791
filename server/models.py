"""Every package's tables, listed, so `Base.metadata` is complete (Alembic, tests)."""

from server.auth import models as auth_models
from server.certification import models as certification_models
from server.chat import models as chat_models
from server.core import audit, heartbeat
from server.core.db import Base
from server.crm import models as crm_models
from server.documents import models as documents_models
from server.evaluation import models as evaluation_models
from server.exams import models as exams_models
from server.progress import models as progress_models
from server.scenarios import models as scenarios_models
from server.telephony import models as telephony_models
from server.writing import models as writing_models

# The modules that declare tables (the audit log and the heartbeat live in server.core).
TABLE_MODULES = (
    auth_models,
    certification_models,
    chat_models,
    audit,
    heartbeat,
    crm_models,
    documents_models,
    evaluation_models,
    exams_models,
    progress_models,
    scenarios_models,
    telephony_models,
    writing_models,
)
metadata = Base.metadata
