import Advocate
