from communes.csvfiles import ImportCommand
from communes.services import units_import


class Command(ImportCommand):
    help = (
        "Imports commune-level units from an official CSV list, keyed by the 5-digit official "
        "code: the national list (province_code,province,code,name,type), one province's list "
        "(code,name,type[,former_district]; needs --province) or a merge-detail file "
        "(new_code,old_code,…) for predecessor units. Creates the 34 provinces from the list "
        "the project ships. Creates new units and updates changed ones; a second run changes "
        "nothing. A file with any bad row imports nothing and names every bad line. Prints the "
        "counts."
    )
    province_help = "Official province code for a file without one (Lạng Sơn is 20)."
    run_import = staticmethod(units_import)
