"""sahelwatch pipeline stages: each module is one stage, a pure function plus a thin Prefect task."""
