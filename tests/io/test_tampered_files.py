"""load() reads data only: damaged, tampered and foreign files are refused, none runs code.

R: ``readRDS`` of a file that is not one (``unknown input format``). A saved fit is a
zip archive of ``meta.json`` and ``arrays/<k>.npy``; each test here edits a good file the
way an attacker or a broken disk would and checks the RError. The pickle tests use a
payload that writes a marker file when unpickled (checked at the end to be live), and
check the marker is never written by load().
"""

from __future__ import annotations

import io
import json
import pathlib
import pickle
import zipfile

import numpy as np
import pytest


class Payload:
    """Unpickling this writes ``marker``: what a malicious pickle would do."""

    def __init__(self, marker: pathlib.Path):
        self.marker = marker

    def __reduce__(self):
        return pathlib.Path.write_text, (self.marker, "code ran")


@pytest.fixture(scope="module")
def good(r_fit):
    """The bytes of a saved Dobson poisson fit, and the fit."""
    from rglm.io import save

    fit = r_fit('rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), '
                'data=dobson)', ["dobson"]).value
    buffer = io.BytesIO()
    save(fit, buffer)
    return buffer.getvalue(), fit


def members(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def archive(contents: dict) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in contents.items():
            zf.writestr(name, data)
    out.seek(0)
    return out


def edited(good_bytes: bytes, edit_meta=None, **replace) -> io.BytesIO:
    contents = members(good_bytes)
    if edit_meta is not None:
        meta = json.loads(contents["meta.json"])
        edit_meta(meta)
        contents["meta.json"] = json.dumps(meta).encode()
    contents.update(replace)
    return archive(contents)


def load_error(source) -> str:
    from rglm.errors import RError
    from rglm.io import load

    with pytest.raises(RError) as err:
        load(source)
    return str(err.value)


def first_record(meta: dict, tag: str):
    """The first tagged object ``tag`` in the JSON tree (iterative walk)."""
    stack = [meta["root"]]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("$") == tag:
                return item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    raise AssertionError(f"no {tag}")


# ---- the file is open and inspectable -----------------------------------------------------

def test_the_file_is_json_and_npy_only(good, tmp_path):
    from rglm.io import load, save

    data, fit = good
    contents = members(data)
    meta = json.loads(contents["meta.json"])
    assert meta["format"] == "rglm saved object" and meta["version"] == 1
    assert meta["class"] == ["glm", "lm"]
    assert all(n == "meta.json" or n.startswith("arrays/") for n in contents)
    for name in contents:
        if name.endswith(".npy"):
            np.load(io.BytesIO(contents[name]), allow_pickle=False)  # plain arrays
    # a path (str or Path) works as well as a file object
    path = tmp_path / "dobson.rglm"
    save(fit, str(path))
    assert str(load(path)) == str(fit) and str(load(str(path))) == str(fit)


# ---- versions and foreign files ---------------------------------------------------------

def test_a_file_of_another_format_version_is_refused(good):
    def later(meta):
        meta["version"] = 2
        meta["rglm_version"] = "9.0"

    text = load_error(edited(good[0], later))
    assert "format version 2 (by rglm 9.0)" in text
    assert "this rglm reads format version 1 only" in text


@pytest.mark.parametrize("content", [b"not a zip file at all", b""])
def test_a_file_that_is_no_archive_is_refused(content):
    assert "unknown input format" in load_error(io.BytesIO(content))


def test_an_archive_without_our_metadata_is_refused(good):
    assert "no meta.json" in load_error(archive({"arrays/0.npy": b"x"}))
    assert "not an rglm file" in load_error(archive({"meta.json": b'{"format": "other"}'}))
    assert "not JSON" in load_error(archive({"meta.json": b"\x80\x04garbage"}))


def test_a_missing_file_gives_r_message(tmp_path):
    text = load_error(tmp_path / "absent.rglm")
    assert text == f"cannot open file '{tmp_path / 'absent.rglm'}': No such file or directory"


# ---- pickles are never run -------------------------------------------------------------

def test_pickles_smuggled_in_are_never_run(good, tmp_path):
    marker = tmp_path / "marker.txt"
    payload = pickle.dumps(Payload(marker))
    obj_array = io.BytesIO()
    np.save(obj_array, np.array([Payload(marker)], dtype=object), allow_pickle=True)
    first_array = next(n for n in members(good[0]) if n.endswith(".npy"))
    attempts = {
        "an object array in place of an array": edited(good[0], **{
            first_array: obj_array.getvalue()}),
        "a pickle as an extra member": edited(good[0], **{"payload.pkl": payload}),
        "a pickle as an extra array": edited(good[0], **{"arrays/999.npy": payload}),
        "a pickle as meta.json": edited(good[0], **{"meta.json": payload}),
        "a pickle as the whole file": io.BytesIO(payload),
    }
    for what, source in attempts.items():
        text = load_error(source)
        assert not marker.exists(), what
        assert text.startswith("cannot load"), (what, text)
    assert "not a plain numpy array" in load_error(edited(good[0], **{
        first_array: obj_array.getvalue()}))
    # the payload is live: unpickling it (what load() never does) writes the marker
    pickle.loads(payload)  # noqa: S301 - the point of the test
    assert marker.read_text() == "code ran"


# ---- tampered contents -------------------------------------------------------------------

def test_unknown_classes_and_tags_are_refused(good):
    def evil_class(meta):
        meta["root"]["class"] = "os.system"

    def evil_tag(meta):
        meta["root"]["$"] = "exec"

    assert "unknown class 'os.system'" in load_error(edited(good[0], evil_class))
    assert "unknown tag 'exec'" in load_error(edited(good[0], evil_tag))


def test_records_with_missing_or_extra_fields_are_refused(good):
    def extra(meta):
        meta["root"]["fields"]["__class__"] = None

    def missing(meta):
        del meta["root"]["fields"]["call"]

    assert "its rglm.models.glm.result.GLM records have fields ['__class__'] this rglm " \
        "does not know" in load_error(edited(good[0], extra))
    assert "its rglm.models.glm.result.GLM records lack ['call']" in \
        load_error(edited(good[0], missing))


def test_a_file_from_another_rglm_with_other_records_names_both_versions(good):
    from rglm.io.api import _version

    def older(meta):
        meta["rglm_version"] = "0.0.1"
        del meta["root"]["fields"]["call"]

    assert load_error(edited(good[0], older)) == (
        "cannot load: the file was written by rglm 0.0.1, its rglm.models.glm.result.GLM "
        f"records lack ['call'] (this is rglm {_version()}); refit the model")


def test_a_field_added_since_with_a_default_takes_it(good):
    """A record field added by a later rglm, with a default, does not make older files
    unreadable: the loaded fit has the default (here GLM's ``keep_x``, False)."""
    from rglm.io import load

    def older(meta):
        del meta["root"]["fields"]["keep_x"]

    loaded = load(edited(good[0], older))
    assert loaded.keep_x is False and str(loaded) == str(good[1])


def test_member_names_that_could_escape_are_refused(good):
    for name in ("../evil.npy", "/etc/evil.npy", "arrays/../../evil.npy", "arrays/x.npy",
                 "arrays/"):
        text = load_error(edited(good[0], **{name: b"x"}))
        assert "unexpected member" in text, name

    def escaping_reference(meta):
        first_record(meta, "array")["data"] = "../../etc/passwd"

    assert "invalid array reference '../../etc/passwd'" in \
        load_error(edited(good[0], escaping_reference))


def test_arrays_of_other_dtypes_are_refused(good):
    first_array = next(n for n in members(good[0]) if n.endswith(".npy"))
    structured = io.BytesIO()
    np.save(structured, np.zeros(3, dtype=[("a", "f8"), ("b", "i4")]), allow_pickle=False)
    text = load_error(edited(good[0], **{first_array: structured.getvalue()}))
    assert "are not stored" in text


def test_references_to_unread_records_are_refused(good):
    def dangling(meta):
        first = first_record(meta, "array")
        first.clear()
        first.update({"$": "ref", "id": 10 ** 6})

    assert "reference to an unknown record" in load_error(edited(good[0], dangling))


def test_a_family_no_constructor_makes_is_refused(good):
    def renamed(meta):
        spec = first_record(meta, "family")["spec"]
        spec["items"] = [[k, "binomial" if k == "family" else v] for k, v in spec["items"]]

    def foreign(meta):
        spec = first_record(meta, "family")["spec"]
        spec["items"] = [[k, "os.system" if k == "constructor" else v]
                         for k, v in spec["items"]]

    assert "is not what poisson() makes" in load_error(edited(good[0], renamed))
    assert "unknown family constructor 'os.system'" in load_error(edited(good[0], foreign))


def test_the_root_must_be_a_fitted_model(good):
    def just_a_number(meta):
        meta["root"] = 3

    assert load_error(edited(good[0], just_a_number)) == \
        "cannot load: the file does not hold a fitted model"


# ---- what cannot be saved -------------------------------------------------------------------

def test_objects_that_are_not_fits_are_refused(tmp_path):
    from rglm.errors import RError
    from rglm.io import save

    with pytest.raises(RError, match="cannot save an object of class 'dict'"):
        save({"a": 1}, tmp_path / "x.rglm")
    assert not (tmp_path / "x.rglm").exists()


def test_data_holding_python_objects_cannot_be_saved(dataset, tmp_path):
    import rglm
    from rglm.errors import RError
    from rglm.io import save

    data = dataset("dobson").assign(note=[{"k": i} for i in range(9)])
    fit = rglm.glm("counts ~ outcome + treatment", family=rglm.poisson(), data=data)
    with pytest.raises(RError, match="column 'note' of the fit\\$data: it holds Python "
                                     "objects of type 'dict'"):
        save(fit, tmp_path / "x.rglm")
    assert list(tmp_path.iterdir()) == []  # no partial file, no temporary left behind


def test_only_registered_functions_and_plain_classes_are_rebuilt(good):
    def foreign_function(meta):
        first = first_record(meta, "array")
        first.clear()
        first.update({"$": "partial", "func": "os.system", "args": ["touch x"],
                      "keywords": [], "id": 10 ** 6})

    def foreign_plain(meta):
        first = first_record(meta, "array")
        first.clear()
        first.update({"$": "plain", "class": "subprocess.Popen", "state": {},
                      "id": 10 ** 6})

    assert "unknown function 'os.system'" in load_error(edited(good[0], foreign_function))
    assert "unknown class 'subprocess.Popen'" in load_error(edited(good[0], foreign_plain))


def test_a_sparse_matrix_with_indices_out_of_range_is_refused():
    arrays = {}
    for k, values in enumerate((np.ones(2), np.array([0, 7], dtype=np.int32),
                                np.array([0, 1, 2], dtype=np.int32))):
        buffer = io.BytesIO()
        np.save(buffer, values, allow_pickle=False)
        arrays[f"arrays/{k}.npy"] = buffer.getvalue()
    meta = {"format": "rglm saved object", "version": 1,
            "root": {"$": "sparse", "format": "csc", "shape": [3, 2], "matrix": True,
                     "data": "arrays/0.npy", "indices": "arrays/1.npy",
                     "indptr": "arrays/2.npy", "id": 0}}
    text = load_error(archive({"meta.json": json.dumps(meta).encode(), **arrays}))
    assert "invalid sparse matrix" in text


def test_deeply_nested_metadata_is_refused(good):
    deep = b'{"format": "rglm saved object", "version": 1, "root": ' + b"[" * 100_000 \
        + b"]" * 100_000 + b"}"
    assert "nested too deeply" in load_error(archive({"meta.json": deep}))


def test_saving_into_a_missing_folder_gives_r_message(good, tmp_path):
    from rglm.errors import RError
    from rglm.io import save

    target = tmp_path / "no" / "fit.rglm"
    with pytest.raises(RError) as err:
        save(good[1], target)
    assert str(err.value) == f"cannot open file '{target}': No such file or directory"
