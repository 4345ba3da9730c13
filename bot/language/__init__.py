"""Vietnamese text handling: normalisation, diacritics folding, abbreviations, facet cues."""

from bot.language.facets import FacetDetector
from bot.language.normalize import Normalizer, fold, has_diacritics, nfc

__all__ = ["FacetDetector", "Normalizer", "fold", "has_diacritics", "nfc"]
