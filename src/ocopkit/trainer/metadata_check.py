"""nbgrader's CheckCellMetadata with the JSON schema compiled once per process, not once per cell.

nbgrader validates every cell's ``nbgrader`` metadata with
``jsonschema.validate(metadata, schema)``, which checks the schema itself
again before each cell: about 0.1 s of a grading worker's CPU per notebook,
spent on a schema that never changes. Here the same checks run, in nbgrader's
own order (its v3 rules first, then the schema version, then the schema), with
one compiled validator.

Set by :func:`ocopkit.trainer.cohort.configure_for` in place of
``CheckCellMetadata`` among ``Autograde.sanitize_preprocessors``.
"""

from __future__ import annotations

import traceback

import jsonschema
from nbgrader.nbgraderformat import ValidationError
from nbgrader.nbgraderformat.common import BaseMetadataValidator, SchemaTooNewError, SchemaTooOldError
from nbgrader.nbgraderformat.v3 import MetadataValidatorV3
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    OverwriteCells,
    OverwriteKernelspec,
)

_compiled: dict[int, object] = {}  # schema version -> its validator, checked once


def compiled(version: int, schema: dict):
    """The validator of nbgrader's schema of ``version``, with the schema checked the first time only."""
    if version not in _compiled:
        kind = jsonschema.validators.validator_for(schema)
        kind.check_schema(schema)
        _compiled[version] = kind(schema)
    return _compiled[version]


class _CompiledSchema(BaseMetadataValidator):
    """``BaseMetadataValidator.validate_cell``, with the compiled validator."""

    def validate_cell(self, cell) -> None:
        if "nbgrader" not in cell.metadata:
            return
        version = cell.metadata["nbgrader"].get("schema_version", 0)
        if version < self.schema_version:
            raise SchemaTooOldError(
                f"Outdated schema version: {version} (expected {self.schema_version})", version, self.schema_version
            )
        if version > self.schema_version:
            raise SchemaTooNewError(
                f"Schema version is too new: {version} (expected {self.schema_version})", version, self.schema_version
            )
        compiled(self.schema_version, self.schema).validate(cell.metadata["nbgrader"])


class CompiledMetadataValidator(MetadataValidatorV3, _CompiledSchema):
    """nbgrader's v3 validator; its ``super().validate_cell`` reaches :class:`_CompiledSchema`."""


class QuickCheckCellMetadata(CheckCellMetadata):
    """``CheckCellMetadata`` with :class:`CompiledMetadataValidator`; the same errors, the same log."""

    def preprocess(self, nb, resources):
        try:
            CompiledMetadataValidator().validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg)
        return nb, resources


# nbgrader's sanitizing pass (Autograde.sanitize_preprocessors), in its order, with the check above.
SANITIZE_PREPROCESSORS = [ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, QuickCheckCellMetadata]
