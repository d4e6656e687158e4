-- One database per subgraph (DESIGN.md, "Data ownership").
CREATE DATABASE judicial;
CREATE DATABASE legal_aid;
CREATE DATABASE education;
CREATE DATABASE partners;
