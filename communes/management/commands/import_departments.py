from communes.csvfiles import ImportCommand
from communes.services import departments_import


class Command(ImportCommand):
    help = (
        "Imports a province's departments from a CSV file with the columns name_vi, name_en and "
        "short_code, keyed by short code within the province. Creates new departments and "
        "updates changed names; a second run changes nothing. A file with any bad row imports "
        "nothing and names every bad line. Prints the counts."
    )
    province_help = "Official province code (Lạng Sơn is 20)."
    province_required = True
    run_import = staticmethod(departments_import)
