// The system libyaml (Debian: libyaml-dev). Only the Manifests YAML reader imports this module.
#include <yaml.h>
