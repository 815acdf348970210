"""Form fields shared by the apps' forms."""

from django import forms


class LinesField(forms.CharField):
    """A list of texts typed one a line: blank lines and repeats dropped, order kept."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return list(value)
        lines = (line.strip() for line in (value or "").splitlines())
        return list(dict.fromkeys(line for line in lines if line))
