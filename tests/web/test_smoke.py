from tests.conftest import login


def test_home_greets_each_role_by_name(app, people):
    for key in ("partner_a", "lawyer", "coordinator", "admin"):
        fresh = app.test_client()
        login(app, fresh, people[key].user)
        response = fresh.get("/")
        assert response.status_code == 200
        assert "Welcome" in response.get_data(as_text=True)
