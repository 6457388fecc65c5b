"""The enterprise form's 标签 (tags): one Bootstrap checkbox per enterprise_tag entry, with its label.

Rendered through `bs`, a CheckboxSelectMultiple put the `form-check-input` class (a 1em-wide box) on
the list's container too, so the labels ran one character per line over the next fields; the form
template now lays the options out itself (core/_form_fields.html)."""
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse


class TagBoxes(HTMLParser):
    """The elements inside the element with id="id_tags": their tags, classes and label texts."""

    def __init__(self):
        super().__init__()
        self.container_class, self.depth, self.inputs, self.labels, self.wrappers = None, 0, [], {}, []
        self._label = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.depth == 0 and a.get("id") == "id_tags":
            self.container_class, self.depth = a.get("class") or "", 1
            return
        if not self.depth:
            return
        if tag != "input":
            self.depth += 1
        if tag == "div":
            self.wrappers.append(a.get("class") or "")
        elif tag == "input":
            self.inputs.append(a)
        elif tag == "label":
            self._label = [a.get("for"), a.get("class") or "", ""]

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "label" and self._label:
            self.labels[self._label[0]] = (self._label[1], self._label[2].strip())
            self._label = None
        self.depth -= 1

    def handle_data(self, data):
        if self._label:
            self._label[2] += data


def tag_boxes(html):
    parser = TagBoxes()
    parser.feed(html)
    return parser


@pytest.fixture
def tags(regions):
    from ipdesk.regions.models import dictionary
    entries = dictionary("enterprise_tag")
    assert len(entries) >= 3
    return entries


def test_enterprise_add_form_has_one_checkbox_per_tag(client_for, users, tags):
    page = client_for(users["city"]).get(reverse("registry:enterprise_add"))
    assert page.status_code == 200
    boxes = tag_boxes(page.content.decode())
    assert boxes.container_class is not None, "no tags field"
    assert "form-check-input" not in boxes.container_class  # a 1em-wide box around the whole list
    assert [(i["type"], i["name"], i["value"]) for i in boxes.inputs] == [("checkbox", "tags", code) for code, _ in tags]
    assert all("form-check-input" in i.get("class", "").split() for i in boxes.inputs)
    assert {boxes.labels.get(i["id"], ("", ""))[1] for i in boxes.inputs} == {label for _, label in tags}
    assert all("form-check-label" in boxes.labels[i["id"]][0].split() for i in boxes.inputs)
    assert sum("form-check" in w.split() for w in boxes.wrappers) == len(tags)


def test_enterprise_edit_form_keeps_chosen_tags(client_for, users, tags):
    ent = users["enterprise"].enterprise
    ent.tags = [tags[1][0]]
    ent.save()
    client = client_for(users["city"])
    page = client.get(reverse("registry:enterprise_edit", args=[ent.pk]))
    boxes = tag_boxes(page.content.decode())
    assert [i["value"] for i in boxes.inputs if "checked" in i] == [tags[1][0]]
    assert len(boxes.inputs) == len(tags)
    assert re.search(r'id="id_tags"', page.content.decode())
