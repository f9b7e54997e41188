"""The airline's WG vocabulary: capability tags, complexity levels, knobs, assertions, breakers."""

from domains.airline.dag.params import chain
from domains.airline.wg.assertions import INTENT_TOOLS, REACH, check, named_entities
from domains.airline.wg.breaks import BREAKERS
from domains.airline.wg.knobs import KNOBS, complexity, simplify
from domains.airline.wg.tags import LEVELS, TAGS
from domains.wg import WGVocabulary

VOCABULARY = WGVocabulary(
    tags=TAGS,
    levels=LEVELS,
    knobs=KNOBS,
    reach=REACH,
    intent_tools=INTENT_TOOLS,
    intents_of=chain,
    named_entities=named_entities,
    check=check,
    breakers=BREAKERS,
    complexity=complexity,
    simplify=simplify,
)

__all__ = ["VOCABULARY"]
