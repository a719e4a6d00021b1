@ÿt(e)
def _(: