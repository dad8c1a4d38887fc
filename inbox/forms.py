from django import forms

from inbox import kinds


class PreferencesForm(forms.Form):
    """One choice per kind of news that can reach the person: at once, in the digest, never."""

    def __init__(self, *args, person, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds.kinds_for(person)
        for kind in self.kinds:
            self.fields[kind.code] = forms.ChoiceField(
                label=kind.label,
                choices=kind.choices,
                initial=current.get(kind.code, kinds.default_how(kind.code)),
                widget=forms.RadioSelect,
            )
