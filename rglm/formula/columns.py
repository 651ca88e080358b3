"""How the names in a formula find the data's columns.

R: a data frame's ``names()`` as ``eval()`` and ``terms(formula, data = d)`` see them.

R's column names are strings; pandas' labels may be anything. Here a formula names a
column by ``str(label)``: a column labelled ``0`` is `` `0` `` in a formula (backticks,
as R writes a name that is not syntactic), a column ``("a", 1)`` of a MultiIndex is
`` `('a', 1)` ``.

Two columns answering to one name are ambiguous: a name shared by two columns (a
duplicated label, or ``0`` and ``"0"``) is an error when the model uses it. R itself
takes the first such column when the formula names it and refuses ``.``
(``duplicated name 'x' in data frame using '.'``); rglm refuses both, since silently
fitting one of two columns is rarely what was meant. Unused duplicates are harmless.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Iterable, Mapping, Optional

from rglm.errors import RError

__all__ = ["ColumnNames", "column_names"]


class ColumnNames:
    """The data's columns by the names a formula uses for them.

    R: ``names(data)``.

    Parameters
    ----------
    labels : iterable
        The data's column labels (a DataFrame's ``columns``, a mapping's keys), in order.
    """

    def __init__(self, labels: Iterable[Any]):
        labels = list(labels)
        by_name: dict[str, list] = {}
        for label in labels:
            by_name.setdefault(str(label), []).append(label)
        self._labels = MappingProxyType({k: tuple(v) for k, v in by_name.items()})
        self._names = tuple(map(str, labels))

    @property
    def names(self) -> tuple:
        """The names in column order, duplicates included (R: ``names(data)``)."""
        return self._names

    def __contains__(self, name: str) -> bool:
        return name in self._labels

    def label(self, name: str) -> Optional[Any]:
        """The label of the one column called ``name`` (None when there is none).

        Raises
        ------
        RError
            When two columns answer to ``name``.
        """
        labels = self._labels.get(name)
        if labels is None:
            return None
        if len(labels) > 1:
            shown = " and ".join(map(repr, labels))
            labelled = f" (the columns labelled {shown})" if len(set(map(repr, labels))) > 1 \
                else ""
            raise RError(f"duplicated name '{name}' in data frame{labelled}: the model "
                         f"cannot tell which column '{name}' means (R would take the "
                         f"first); give the columns distinct names")
        return labels[0]

    def duplicated(self) -> Optional[str]:
        """The first name shared by two columns, or None."""
        return next((name for name, labels in self._labels.items() if len(labels) > 1), None)


def column_names(data: Optional[Mapping[str, Any]]) -> Optional[ColumnNames]:
    """The :class:`ColumnNames` of a DataFrame or mapping of columns (None without data)."""
    if data is None:
        return None
    return ColumnNames(list(data.keys()))
