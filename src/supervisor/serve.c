/* brisk_serve: the command line, then the supervisor. */
#include "api/api.h"
#include "app/app.h"
#include "supervisor/supervisor.h"

int brisk_serve(brisk_app *app, int argc, char **argv) {
    bk_config cfg;
    bk_config_defaults(&cfg);
    int rc = bk_cli_parse(&cfg, argc, argv);
    if (rc != 0) {
        brisk_app_free(app);
        return rc > 0 ? 0 : 2;
    }
    /* Built once in the master, shared by the workers it forks. */
    if (bk_api_prepare(app) != 0) {
        brisk_app_free(app);
        return 1;
    }
    rc = bk_supervise(&cfg, bk_app_handle, app);
    brisk_app_free(app);
    return rc;
}
