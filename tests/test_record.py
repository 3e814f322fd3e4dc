"""Records behave as the dataclasses they replace: repr, equality, hashing, order, frozenness,
pickling and the `dataclasses` functions — checked side by side with a dataclass of the same
fields, and over every record class of the package."""

from __future__ import annotations

import copy
import dataclasses
import importlib
import inspect
import pickle
import pkgutil

import pytest

import catalog
import recommender
from catalog.record import FIELDS, fields, is_record, record, replace


@record(frozen=True, order=True)
class Point:
    """A frozen, ordered record with slots."""

    __slots__ = ("x", "y", "label")
    x: int
    y: int
    label: str

    def __init__(self, x: int, y: int, label: str = "") -> None:
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "label", label)


@dataclasses.dataclass(frozen=True, slots=True, order=True)
class PointDC:
    x: int
    y: int
    label: str = ""


@record(hidden=("_cache",))
class Bag:
    """A mutable record without slots, with a hidden field."""

    items: list
    name: str
    _cache: dict | None

    def __init__(self, items: list, name: str = "", _cache: dict | None = None) -> None:
        self.items = items
        self.name = name
        self._cache = _cache


@dataclasses.dataclass
class BagDC:
    items: list
    name: str = ""
    _cache: dict | None = dataclasses.field(default=None, repr=False, compare=False)


@record
class One:
    """A single field: compared and hashed as a one-item tuple, as a dataclass does."""

    __slots__ = ("value",)
    value: float

    def __init__(self, value: float) -> None:
        self.value = value


def _strip(text: str) -> str:
    return text.replace("DC(", "(")


def test_repr_equality_hash_and_order_match_a_dataclass():
    pairs = [(Point(1, 2, "a"), PointDC(1, 2, "a")), (Point(1, 3), PointDC(1, 3)), (Point(0, 9, "z"), PointDC(0, 9, "z"))]
    for (r1, d1) in pairs:
        assert repr(r1) == _strip(repr(d1))
        assert hash(r1) == hash(d1)
        for (r2, d2) in pairs:
            assert (r1 == r2) == (d1 == d2)
            assert (r1 < r2, r1 <= r2, r1 > r2, r1 >= r2) == (d1 < d2, d1 <= d2, d1 > d2, d1 >= d2)
    assert sorted(r for r, _ in pairs) == [Point(0, 9, "z"), Point(1, 2, "a"), Point(1, 3)]
    assert Point(1, 2).__eq__(PointDC(1, 2)) is NotImplemented
    with pytest.raises(TypeError):
        Point(1, 2) < (1, 2)  # noqa: B015


def test_hidden_fields_are_left_out_of_repr_and_comparison_and_mutable_records_are_unhashable():
    assert repr(Bag([1], "b", {"k": 1})) == _strip(repr(BagDC([1], "b", {"k": 1})))
    assert Bag([1], "b", {"k": 1}) == Bag([1], "b", None)
    assert Bag([1]) != Bag([2])
    with pytest.raises(TypeError):
        hash(Bag([1]))
    bag = Bag([1])
    bag.extra = 1  # no slots: any attribute, as before
    assert bag.__dict__["extra"] == 1


def test_one_field_compares_as_a_tuple():
    nan = float("nan")
    assert One(nan) == One(nan)  # the same object inside a tuple is equal to itself
    made = dataclasses.make_dataclass("O", ["value"])
    assert made(nan) == made(nan)


def test_frozen_records_refuse_changes_with_the_dataclass_error():
    point = Point(1, 2)
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'x'"):
        point.x = 5
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'y'"):
        del point.y
    with pytest.raises(AttributeError):
        point.other = 1  # slots: nothing else either


def test_pickling_and_copying_keep_the_dataclass_layout():
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        for value in (Point(1, 2, "a"), Bag([1], "b", {"k": 1}), One(3.0)):
            back = pickle.loads(pickle.dumps(value, protocol))
            assert back == value and type(back) is type(value)
    assert Point(1, 2, "a").__getstate__() == PointDC(1, 2, "a").__getstate__() == [1, 2, "a"]
    restored = object.__new__(Point)
    restored.__setstate__([3, 4, "c"])
    assert restored == Point(3, 4, "c")
    made = object.__new__(Point)
    for setter, value in zip(Point.__record_setters__, (5, 6, "d")):
        setter(made, value)
    assert made == Point(5, 6, "d")
    assert pickle.loads(pickle.dumps(Bag([1], "b", {"k": 1})))._cache == {"k": 1}
    assert copy.deepcopy(Point(1, 2)) == Point(1, 2)
    assert copy.copy(Bag([1])).items == [1]


def test_replace_and_the_dataclasses_functions_accept_records():
    point = Point(1, 2, "a")
    assert replace(point, y=5) == Point(1, 5, "a")
    assert dataclasses.replace(point, label="b") == Point(1, 2, "b")
    assert dataclasses.is_dataclass(point) and dataclasses.is_dataclass(Point)
    assert [f.name for f in dataclasses.fields(point)] == ["x", "y", "label"] == list(fields(Point))
    assert dataclasses.asdict(Bag([1], "b")) == {"items": [1], "name": "b", "_cache": None}
    assert [f.compare for f in dataclasses.fields(Bag)] == [True, True, False]
    with pytest.raises(TypeError):
        replace(point, z=1)
    assert replace(PointDC(1, 2), x=0) == PointDC(0, 2)  # a dataclass goes to dataclasses.replace
    assert is_record(point) and not is_record(Point) and not is_record(PointDC(1, 2))


def test_a_record_states_its_fields_once_in_order_everywhere():
    """For every record of the package: the annotations, the slots (when it has them) and the
    parameters of `__init__` name the same fields in the same order."""
    found = []
    for package in (catalog, recommender):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".cli" in info.name or info.name.endswith("__main__"):
                continue
            module = importlib.import_module(info.name)
            for value in vars(module).values():
                if isinstance(value, type) and FIELDS in value.__dict__ and value.__module__ == module.__name__:
                    found.append(value)
    assert len(found) >= 7
    for cls in found + [Point, Bag, One]:
        names = fields(cls)
        own = tuple(cls.__dict__["__annotations__"])
        assert names[len(names) - len(own):] == own, cls
        if "__slots__" in cls.__dict__:
            assert tuple(cls.__dict__["__slots__"]) == own, cls
        parameters = list(inspect.signature(cls.__init__).parameters)[1:]
        assert tuple(parameters) == names, cls
        if "__record_setters__" in cls.__dict__:  # frozen with slots: one setter per field, in order
            assert len(cls.__record_setters__) == len(names), cls


def test_a_record_extending_another_has_its_fields_first_and_unknown_fields_cannot_be_hidden():
    @record
    class Sub(Bag):
        more: int

        def __init__(self, items: list, name: str = "", _cache: dict | None = None, more: int = 0) -> None:
            Bag.__init__(self, items, name, _cache)
            self.more = more

    @dataclasses.dataclass
    class SubDC(BagDC):
        more: int = 0

    assert fields(Sub) == ("items", "name", "_cache", "more")
    assert repr(Sub([1], "s", {}, 2)) == repr(SubDC([1], "s", {}, 2)).replace("SubDC", "Sub")
    assert Sub([1], "s", {}, 2) == Sub([1], "s", None, 2) != Sub([1], "s", None, 3)
    assert replace(Sub([1]), more=5).more == 5 and isinstance(Sub([1]), Bag)
    assert [f.name for f in dataclasses.fields(Sub)] == list(fields(Sub))

    class Plain(Bag):  # a subclass that is not a record itself is one by inheritance, as with dataclasses
        pass

    assert is_record(Plain([1])) and fields(Plain) == fields(Bag)
    assert replace(Plain([1], "p"), name="q").name == "q" and dataclasses.replace(Plain([1]), name="r").name == "r"

    with pytest.raises(TypeError, match="hidden"):

        @record(hidden=("nope",))
        class Hidden:
            a: int
