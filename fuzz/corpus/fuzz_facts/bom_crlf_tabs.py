import os
from . import errors

class A(errors.Base):
	def f(self, x):
		return os.path.join(x)  # noqa: SVC201
