"""Who is asking: the learner as the runtime describes them, never as the request claims."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Learner:
    id: str
    full_name: str = ""
    email: str = ""
    username: str = ""
    is_staff: bool = False
    is_authenticated: bool = True

    @property
    def is_anonymous(self):
        return not self.is_authenticated or not self.id
