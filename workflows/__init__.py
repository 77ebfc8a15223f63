"""capaian: achievement-based performance appraisal for the ASN of Kecamatan Asemrowo."""

__version__ = "0.1.0"
