"""Daily monitoring of a taper: the patient's dose logs and withdrawal check-ins."""
