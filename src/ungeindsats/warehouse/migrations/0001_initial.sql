-- The canonical warehouse (docs/warehouse.md describes every table and column).
-- Weeks are week numbers: whole weeks since ISO week 1990U01 (see ungeindsats.periods).
-- person_id is the keyed pseudonym of the person (never a CPR number).

CREATE TABLE import_log (
    import_id      INTEGER PRIMARY KEY,
    source         VARCHAR NOT NULL,      -- dream, population, jobindsats, person, spells, ...
    file_name      VARCHAR NOT NULL,
    file_hash      VARCHAR NOT NULL,      -- sha256 of the file's bytes
    rows_in        BIGINT NOT NULL,
    rows_accepted  BIGINT NOT NULL,
    rows_rejected  BIGINT NOT NULL,
    started_at     TIMESTAMP NOT NULL,
    finished_at    TIMESTAMP NOT NULL,
    imported_by    VARCHAR NOT NULL,
    detail         VARCHAR                -- a short Danish summary (periods covered, options)
);

CREATE TABLE week (
    week       INTEGER PRIMARY KEY,
    iso_year   SMALLINT NOT NULL,
    iso_week   SMALLINT NOT NULL,
    monday     DATE NOT NULL,
    thursday   DATE NOT NULL,
    year       SMALLINT NOT NULL,        -- the year, quarter and month of the Thursday
    quarter    SMALLINT NOT NULL,
    month      SMALLINT NOT NULL
);

CREATE TABLE status_code (
    code          INTEGER PRIMARY KEY,
    benefit       VARCHAR,
    target_group  VARCHAR,
    category      VARCHAR NOT NULL CHECK (category IN ('public_support', 'education', 'employment', 'other')),
    label         VARCHAR,
    import_id     INTEGER NOT NULL
);

CREATE TABLE person (
    person_id          BIGINT PRIMARY KEY,
    birth_date         DATE,
    sex                VARCHAR CHECK (sex IN ('M', 'K')),
    origin             VARCHAR CHECK (origin IN ('dansk', 'indvandrer', 'efterkommer')),
    origin_region      VARCHAR CHECK (origin_region IN ('vestlig', 'ikke_vestlig')),
    parents_education  VARCHAR,
    crime              BOOLEAN,
    mental_illness     BOOLEAN,
    social_measure     BOOLEAN,
    abuse              BOOLEAN,
    import_id          INTEGER NOT NULL
);

CREATE TABLE residence (
    person_id     BIGINT NOT NULL,
    municipality  SMALLINT NOT NULL,
    district      VARCHAR,
    first_week    INTEGER NOT NULL,
    last_week     INTEGER,               -- NULL: still living there
    import_id     INTEGER NOT NULL
);

CREATE TABLE status_spell (
    person_id   BIGINT NOT NULL,
    code        INTEGER NOT NULL,
    first_week  INTEGER NOT NULL,
    last_week   INTEGER NOT NULL,
    import_id   INTEGER NOT NULL
);

CREATE TABLE target_group_spell (
    person_id     BIGINT NOT NULL,
    target_group  VARCHAR NOT NULL,
    first_week    INTEGER NOT NULL,
    last_week     INTEGER NOT NULL,
    import_id     INTEGER NOT NULL
);

CREATE TABLE activation_spell (
    person_id   BIGINT NOT NULL,
    offer_type  VARCHAR NOT NULL,
    first_week  INTEGER NOT NULL,
    last_week   INTEGER NOT NULL,
    import_id   INTEGER NOT NULL
);

CREATE TABLE education_event (
    person_id       BIGINT NOT NULL,
    event_date      DATE NOT NULL,
    event           VARCHAR NOT NULL CHECK (event IN ('start', 'completion', 'dropout')),
    education_type  VARCHAR NOT NULL,
    institution     VARCHAR,
    import_id       INTEGER NOT NULL
);

CREATE TABLE readiness_assessment (
    person_id        BIGINT NOT NULL,
    assessment_date  DATE NOT NULL,
    grade            SMALLINT NOT NULL CHECK (grade IN (8, 9, 10)),
    ready            BOOLEAN NOT NULL,
    import_id        INTEGER NOT NULL
);

CREATE TABLE employment_month (
    person_id  BIGINT NOT NULL,
    year       SMALLINT NOT NULL,
    month      SMALLINT NOT NULL CHECK (month BETWEEN 1 AND 12),
    hours      DOUBLE NOT NULL CHECK (hours >= 0),
    import_id  INTEGER NOT NULL
);

CREATE TABLE sanction (
    person_id      BIGINT NOT NULL,
    sanction_date  DATE NOT NULL,
    benefit        VARCHAR,
    reason         VARCHAR,
    import_id      INTEGER NOT NULL
);

-- Aggregates (everybody has them for all 98 municipalities). Municipality 0 is "Hele landet".
CREATE TABLE population (
    municipality  SMALLINT NOT NULL,
    year          SMALLINT NOT NULL,
    quarter       SMALLINT NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    age           SMALLINT NOT NULL,
    sex           VARCHAR NOT NULL CHECK (sex IN ('M', 'K')),
    persons       INTEGER NOT NULL CHECK (persons >= 0),
    import_id     INTEGER NOT NULL
);

CREATE TABLE fte_aggregate (
    source_table  VARCHAR NOT NULL,      -- the Jobindsats table id, e.g. Y38A02
    municipality  SMALLINT NOT NULL,
    year          SMALLINT NOT NULL,
    month         SMALLINT NOT NULL,
    benefit       VARCHAR NOT NULL,
    target_group  VARCHAR NOT NULL,      -- '' when the table has no such breakdown
    age_band      VARCHAR NOT NULL,      -- e.g. '16-29', '' for all ages
    persons       DOUBLE,                -- "Antal personer"
    fte           DOUBLE,                -- "Fuldtidspersoner"
    import_id     INTEGER NOT NULL
);

CREATE TABLE framework (
    municipality  SMALLINT NOT NULL,
    year          SMALLINT NOT NULL,
    variable      VARCHAR NOT NULL,
    value         DOUBLE NOT NULL,
    import_id     INTEGER NOT NULL
);
