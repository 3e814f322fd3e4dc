"""Records: small classes of named fields that cost nothing to define.

`@dataclass` writes each class's methods as Python source and compiles it when the class is
defined, about 4 M instructions a class on Python 3.11: with the model, the engine and the
loader made of dataclasses that was a third of `sbb recommend`'s start-up. A record states
its fields in the class body instead: annotations (their order and what they hold), `__slots__`
when it has slots, and a plain `__init__`. `@record` adds the rest as `@dataclass` would,
from functions compiled once with this module:

- `__repr__` as `Name(field=value, ...)`, `__eq__` comparing the fields as one tuple with an
  object of the same class only, and `__match_args__`;
- `frozen=True`: assigning or deleting an attribute raises `dataclasses.FrozenInstanceError`,
  and the record hashes as the tuple of its fields; otherwise it is unhashable (`__hash__` is
  None), as a dataclass with `eq` and without `frozen` is;
- `order=True`: `<`, `<=`, `>`, `>=` compare the fields as tuples (same class only);
- a record extending another has the base's fields first, then its own;
- `hidden`: fields left out of the repr and of comparisons and hashing (a dataclass's
  `field(repr=False, compare=False)`);
- frozen with slots: pickled as the list of its field values, restored field by field (as a
  frozen slotted dataclass is); the others pickle as any object does. Its `__init__` sets the
  fields through `__record_setters__`, each slot's own setter in field order (what
  `object.__setattr__` would call, found once rather than on every assignment). A frozen
  record without slots made in numbers fills its instance dict in one `self.__dict__.update`,
  as unpickling does.

A method the class body defines itself is kept, as `@dataclass` keeps it. `replace` below
makes a changed copy of a record (or of a dataclass). `dataclasses.fields`, `replace`,
`asdict`, `astuple` and `is_dataclass` accept records too: the first such call on a record
class builds its `__dataclass_fields__` (names and annotations; defaults are not described).
"""

from __future__ import annotations

from operator import attrgetter
from reprlib import recursive_repr
from typing import Any, Callable, TypeVar

T = TypeVar("T")

FIELDS = "__record_fields__"  # the class attribute naming a record's fields, in order
HIDDEN = "__record_hidden__"  # and those left out of its repr and comparisons


def record(cls: type[T] | None = None, /, *, frozen: bool = False, order: bool = False, hidden: tuple[str, ...] = ()) -> Any:
    """Make `cls` a record: `@record` or `@record(frozen=True, order=True, hidden=(...))`."""

    def wrap(cls: type[T]) -> type[T]:
        return _make(cls, frozen, order, hidden)

    return wrap if cls is None else wrap(cls)


def fields(cls_or_record: Any) -> tuple[str, ...]:
    """The field names of a record class or record, in order."""
    cls = cls_or_record if isinstance(cls_or_record, type) else type(cls_or_record)
    return getattr(cls, FIELDS)


def is_record(value: Any) -> bool:
    """Whether `value` is a record (an instance, not the class)."""
    return not isinstance(value, type) and hasattr(type(value), FIELDS)


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of a record with `changes`, as `dataclasses.replace` (which it calls for a dataclass)."""
    cls = type(obj)
    names = getattr(cls, FIELDS, None)
    if names is None:
        import dataclasses

        return dataclasses.replace(obj, **changes)
    for name in names:
        if name not in changes:
            changes[name] = getattr(obj, name)
    return cls(**changes)


def _key(names: tuple[str, ...]) -> Callable[[Any], tuple]:
    """A function giving the values of `names` of an object as one tuple (whatever their number)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


def _make(cls: type[T], frozen: bool, order: bool, hidden: tuple[str, ...]) -> type[T]:
    own = cls.__dict__
    # A record extending another has the base's fields first, then its own (as a dataclass).
    inherited = next((base.__dict__[FIELDS] for base in cls.__mro__[1:] if FIELDS in base.__dict__), ())
    hidden = tuple(hidden) + next((base.__dict__[HIDDEN] for base in cls.__mro__[1:] if HIDDEN in base.__dict__), ())
    names = inherited + tuple(n for n in own.get("__annotations__", {}) if n not in inherited)
    if unknown := set(hidden) - set(names):
        raise TypeError(f"{cls.__qualname__}: hidden fields that are not fields: {sorted(unknown)}")
    shown = tuple(n for n in names if n not in hidden)
    key = _key(shown)
    methods: dict[str, Any] = {FIELDS: names, HIDDEN: hidden, "__match_args__": names, "__dataclass_fields__": _DataclassFields(hidden)}

    def __repr__(self) -> str:
        return f"{self.__class__.__qualname__}(" + ", ".join([f"{n}={getattr(self, n)!r}" for n in shown]) + ")"

    def __eq__(self, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    __repr__.__qualname__ = f"{cls.__qualname__}.__repr__"
    __eq__.__qualname__ = f"{cls.__qualname__}.__eq__"
    methods["__repr__"] = recursive_repr()(__repr__)
    methods["__eq__"] = __eq__
    if order:
        methods.update(_order(cls, key))
    if frozen:
        methods.update(_frozen(cls, names, key))
    hash_method = methods.pop("__hash__", None)
    for name, method in methods.items():
        if name not in own or name in (FIELDS, HIDDEN, "__match_args__", "__dataclass_fields__"):
            setattr(cls, name, method)
    # A body defining __eq__ without __hash__ gets `__hash__ = None` from Python: not a choice
    # of the class, so (as with @dataclass) the record's own rule applies.
    if "__hash__" not in own or own["__hash__"] is None and "__eq__" in own:
        cls.__hash__ = hash_method  # type: ignore[assignment]
    return cls


def _order(cls: type, key: Callable[[Any], tuple]) -> dict[str, Callable]:
    def __lt__(self, other):
        return key(self) < key(other) if other.__class__ is self.__class__ else NotImplemented

    def __le__(self, other):
        return key(self) <= key(other) if other.__class__ is self.__class__ else NotImplemented

    def __gt__(self, other):
        return key(self) > key(other) if other.__class__ is self.__class__ else NotImplemented

    def __ge__(self, other):
        return key(self) >= key(other) if other.__class__ is self.__class__ else NotImplemented

    made = {"__lt__": __lt__, "__le__": __le__, "__gt__": __gt__, "__ge__": __ge__}
    for name, method in made.items():
        method.__qualname__ = f"{cls.__qualname__}.{name}"
    return made


def _frozen(cls: type, names: tuple[str, ...], key: Callable[[Any], tuple]) -> dict[str, Callable]:
    field_names = frozenset(names)

    def __setattr__(self, name, value):
        if type(self) is cls or name in field_names:
            from dataclasses import FrozenInstanceError

            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self, name):
        if type(self) is cls or name in field_names:
            from dataclasses import FrozenInstanceError

            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    def __hash__(self):
        return hash(key(self))

    made: dict[str, Any] = {"__setattr__": __setattr__, "__delattr__": __delattr__, "__hash__": __hash__}
    if "__slots__" in cls.__dict__:
        # Each slot's own setter, in field order, for `__init__`: `object.__setattr__` finds and
        # calls the same, at twice the cost (a source is made by the thousand on a load).
        slots = {n: d for c in reversed(cls.__mro__) for n, d in c.__dict__.items() if n in names}
        made["__record_setters__"] = tuple(slots[name].__set__ for name in names)
        every = attrgetter(*names) if len(names) > 1 else _key(names)

        def __getstate__(self):
            return list(every(self))

        setters = made["__record_setters__"]

        def __setstate__(self, state):
            for setter, value in zip(setters, state):
                setter(self, value)

        made.update(__getstate__=__getstate__, __setstate__=__setstate__)
    for name, method in made.items():
        if callable(method):
            method.__qualname__ = f"{cls.__qualname__}.{name}"
    return made


class _DataclassFields:
    """A record class's `__dataclass_fields__`, built the first time `dataclasses` asks for it."""

    def __init__(self, hidden: tuple[str, ...]) -> None:
        self.hidden = hidden

    def __get__(self, obj: Any, cls: type) -> dict:
        from dataclasses import field, make_dataclass

        names = getattr(cls, FIELDS)
        annotations = {n: a for c in reversed(cls.__mro__) for n, a in c.__dict__.get("__annotations__", {}).items()}
        shown = [n not in self.hidden for n in names]
        spec = [(n, annotations[n], field(repr=s, compare=s)) for n, s in zip(names, shown)]
        made = make_dataclass(cls.__name__, spec).__dataclass_fields__  # type: ignore[attr-defined]
        type.__setattr__(cls, "__dataclass_fields__", made)
        return made
