from . import picking_scanner
